// The bed's "backend" service: the HTTP app (plus UDP echo) on the service network behind the cluster gateway.
// Pods route to it; the host does not (see layout.ts), which makes it the stand-in for "a service only reachable
// from inside the cluster".
import type { Cgroup } from "./cgroup.ts";
import { runCommand } from "./command.ts";
import { httpAppArgv, httpAppReadyLine } from "./http-app.ts";
import { defaultPath, type LaunchedProcess, launch } from "./launch.ts";
import type { BedLayout } from "./layout.ts";
import { plugNamespace } from "./network.ts";

const backendName = "backend";
const backendPort = 80;
const readyTimeoutMs = 10_000;

export class Backend {
  readonly name = backendName;
  readonly port = backendPort;
  /** The name pods resolve it by (also `backend` and `backend.default` through the search list). */
  readonly dnsName = `${backendName}.default.svc.cluster.local`;

  private constructor(
    readonly ip: string,
    readonly process: LaunchedProcess,
  ) {}

  /**
   * The service namespace doubles as the cluster gateway: eth0 holds the gateway address on the bridge, the service
   * address sits on lo, and arp_ignore=1 keeps eth0 from answering ARP for lo's address — so only hosts that route
   * the service network via the gateway (the pods) reach the backend.
   */
  static async start(layout: BedLayout, cgroup: Cgroup): Promise<Backend> {
    await plugNamespace(layout, {
      netns: layout.serviceNetns,
      hostVeth: layout.hostVeth("svc"),
      address: `${layout.gatewayIp}/25`,
      extraCommands: [`addr add ${layout.backendIp}/32 dev lo`],
    });
    await runCommand([
      "ip",
      "netns",
      "exec",
      layout.serviceNetns,
      "sysctl",
      "-q",
      "-w",
      "net.ipv4.conf.all.arp_ignore=1",
      "net.ipv4.conf.all.arp_announce=2",
    ]);
    const process = launch({
      label: `backend of bed ${layout.name}`,
      netns: layout.serviceNetns,
      cgroupProcsFile: cgroup.procsFile,
      env: { PATH: defaultPath },
      argv: httpAppArgv(backendName, backendPort),
    });
    await process.waitForOutput(httpAppReadyLine, readyTimeoutMs);
    process.unref();
    return new Backend(layout.backendIp, process);
  }

  /** A URL by DNS name, for use inside pods (the host can neither resolve nor reach it). */
  url(path = "/"): string {
    return new URL(path, `http://${this.dnsName}:${this.port}`).href;
  }
}
