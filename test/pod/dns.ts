// The cluster DNS of a bed: dnsmasq in its own network namespace on the bridge, answering only the names the bed
// registers (pods, the backend, anything a test adds) from a hosts file, authoritative for cluster.local and
// forwarding nothing — so these names resolve inside pods and nowhere else.
import { Resolver } from "node:dns/promises";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Cgroup } from "./cgroup.ts";
import { TestBedError, TestBedErrorCode } from "./errors.ts";
import { defaultPath, type LaunchedProcess, launch } from "./launch.ts";
import type { BedLayout } from "./layout.ts";
import { plugNamespace } from "./network.ts";
import { waitUntil } from "./wait.ts";

/** The name the DNS server answers for itself; resolving it proves the server is up. */
export const dnsServiceName = "kube-dns.kube-system.svc.cluster.local";
const readyTimeoutMs = 10_000;

export class DnsServer {
  private readonly records = new Map<string, string>();
  /** Registrations rewrite one file and signal dnsmasq; they run one at a time. */
  private queue: Promise<unknown> = Promise.resolve();
  private readonly resolver = new Resolver({ timeout: 500, tries: 1 });

  private constructor(
    readonly ip: string,
    private readonly hostsFile: string,
    readonly process: LaunchedProcess,
  ) {
    this.resolver.setServers([ip]);
  }

  static async start(layout: BedLayout, cgroup: Cgroup): Promise<DnsServer> {
    const dir = join(layout.stateDir, "dns");
    const hostsFile = join(dir, "hosts");
    await mkdir(dir);
    await writeFile(hostsFile, `${layout.dnsIp}\t${dnsServiceName}\n`);
    await plugNamespace(layout, {
      netns: layout.dnsNetns,
      hostVeth: layout.hostVeth("dns"),
      address: `${layout.dnsIp}/25`,
    });
    const process = launch({
      label: `DNS server of bed ${layout.name}`,
      netns: layout.dnsNetns,
      cgroupProcsFile: cgroup.procsFile,
      env: { PATH: defaultPath },
      argv: [
        "dnsmasq",
        "--keep-in-foreground",
        "--conf-file=/dev/null",
        "--no-resolv",
        "--no-hosts",
        `--addn-hosts=${hostsFile}`,
        `--pid-file=${join(dir, "dnsmasq.pid")}`,
        `--listen-address=${layout.dnsIp}`,
        "--bind-interfaces",
        "--local=/cluster.local/",
        "--user=root",
        "--log-facility=-",
      ],
    });
    const server = new DnsServer(layout.dnsIp, hostsFile, process);
    server.records.set(dnsServiceName, layout.dnsIp);
    await server.waitForAnswer(dnsServiceName, layout.dnsIp);
    return server;
  }

  /** Makes `name` resolve to `ip` (A and PTR) and returns once the server answers with it. */
  register(name: string, ip: string): Promise<void> {
    if (!/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(name)) {
      throw new TestBedError(TestBedErrorCode.BadRequest, `test bed: ${JSON.stringify(name)} is not a DNS name`);
    }
    return this.update(() => this.records.set(name, ip), name, ip);
  }

  /** Removes `name` and returns once the server no longer answers it. */
  unregister(name: string): Promise<void> {
    return this.update(() => this.records.delete(name), name, undefined);
  }

  /** Asks the bed's DNS server directly (from the host) for the IPv4 addresses of `name`; [] when unknown. */
  async lookup(name: string): Promise<string[]> {
    try {
      return await this.resolver.resolve4(name);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOTFOUND") return [];
      throw error;
    }
  }

  private update(change: () => void, name: string, expected: string | undefined): Promise<void> {
    const next = this.queue.then(async () => {
      change();
      const lines = [...this.records].map(([recordName, ip]) => `${ip}\t${recordName}\n`);
      await writeFile(this.hostsFile, lines.join(""));
      // dnsmasq re-reads its hosts files and drops its cache on SIGHUP.
      this.process.kill("SIGHUP");
      await this.waitForAnswer(name, expected);
    });
    this.queue = next.catch(() => undefined);
    return next;
  }

  private waitForAnswer(name: string, expected: string | undefined): Promise<boolean> {
    return waitUntil(
      async () => {
        if (this.process.hasExited) {
          throw new TestBedError(TestBedErrorCode.NotReady, `dnsmasq exited; its output:\n${this.process.logs}`);
        }
        const answer = await this.lookup(name);
        const done = expected === undefined ? answer.length === 0 : answer.includes(expected);
        return done ? true : undefined;
      },
      {
        what: `the bed's DNS server ${this.ip} to answer ${name} with ${expected ?? "nothing"}`,
        timeoutMs: readyTimeoutMs,
      },
    );
  }
}
