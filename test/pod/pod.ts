// A pod: one long-running process with its own network namespace (eth0 on the bed's bridge), mount namespace and
// overlay root (own /etc/resolv.conf, /etc/hosts, /etc/hostname and test-given files), hostname and environment.
// By default it runs the HTTP app on port 8080.
import { type ChildProcess, type SpawnOptions, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { rm } from "node:fs/promises";
import { connect } from "node:net";
import { join } from "node:path";
import type { Cgroup } from "./cgroup.ts";
import { type CommandOptions, type CommandResult, runCommand } from "./command.ts";
import type { DnsServer } from "./dns.ts";
import { TestBedError, TestBedErrorCode } from "./errors.ts";
import { fetchHttpAppStats, type HttpAppStats, httpAppArgv, httpAppReadyLine } from "./http-app.ts";
import { defaultPath, envArgv, isolateScript, type LaunchedProcess, launch } from "./launch.ts";
import type { BedLayout } from "./layout.ts";
import { plugNamespace, unplugNamespace } from "./network.ts";
import { podSystemFiles, prepareRootfs } from "./rootfs.ts";
import { waitUntil } from "./wait.ts";

export interface PodOptions {
  /** DNS label: lower-case letters, digits and dashes, at most 40 characters. */
  name: string;
  /** Kubernetes namespace the pod pretends to live in (resolv.conf search list, DNS name); default "default". */
  namespace?: string;
  /** Environment of the pod's main process (on top of PATH, HOSTNAME and HOME). */
  env?: Record<string, string>;
  /** Files only this pod has: absolute in-pod path → content. */
  files?: Record<string, string | Buffer>;
  /**
   * The pod's main process. Default: the HTTP app (test/fixtures/pod-http-app) on `port`. A custom command runs
   * with the pod's root, cwd / and environment; when `port` is given the pod is ready once that port accepts TCP.
   */
  command?: string[];
  /** Port the app listens on; default 8080 for the HTTP app. */
  port?: number;
  /** How long the app may take to get ready; default 10 s. */
  readyTimeoutMs?: number;
}

export interface PodExecOptions extends CommandOptions {
  /** Added to (and overriding) the pod's environment for this command. */
  extraEnv?: Record<string, string>;
}

/** What a bed hands a pod it is creating. */
export interface PodPlacement {
  layout: BedLayout;
  dns: DnsServer;
  bedCgroup: Cgroup;
  slot: number;
}

const defaultHttpPort = 8080;
const defaultReadyTimeoutMs = 10_000;
const podNamePattern = /^[a-z0-9]([-a-z0-9]{0,38}[a-z0-9])?$/;

export class Pod {
  readonly namespace: string;
  /** `<name>.<namespace>.svc.cluster.local`, registered with the bed's DNS. */
  readonly dnsName: string;
  /** The environment of the main process, exactly (also what /proc/<pid>/environ shows). */
  readonly env: Readonly<Record<string, string>>;
  private destroyed = false;

  private constructor(
    readonly name: string,
    options: PodOptions,
    readonly ip: string,
    readonly port: number | undefined,
    readonly netns: string,
    private readonly placement: PodPlacement,
    private readonly cgroup: Cgroup,
    private readonly rootfsDir: string,
    private readonly main: LaunchedProcess,
  ) {
    this.namespace = options.namespace ?? "default";
    this.dnsName = `${name}.${this.namespace}.svc.cluster.local`;
    this.env = podEnv(name, options.env);
  }

  static async start(placement: PodPlacement, options: PodOptions): Promise<Pod> {
    const { layout, dns } = placement;
    const name = options.name;
    if (!podNamePattern.test(name)) {
      throw new TestBedError(
        TestBedErrorCode.BadRequest,
        `test bed: pod name ${JSON.stringify(name)} must be a DNS label (a-z, 0-9, '-', at most 40 characters)`,
      );
    }
    const namespace = options.namespace ?? "default";
    const ip = layout.podIp(placement.slot);
    const netns = layout.podNetns(name);
    const rootfsDir = join(layout.stateDir, "pods", name);
    const port = options.port ?? (options.command ? undefined : defaultHttpPort);
    const env = podEnv(name, options.env);

    await prepareRootfs(rootfsDir, {
      ...podSystemFiles({ name, namespace, ip, dnsIp: layout.dnsIp }),
      ...options.files,
    });
    const cgroup = await placement.bedCgroup.child(`pod-${name}`);
    try {
      await plugNamespace(layout, {
        netns,
        hostVeth: layout.hostVeth(placement.slot),
        address: `${ip}/${layout.podPrefixLength}`,
        extraCommands: [`route add default via ${layout.gatewayIp}`],
      });
      const main = launch({
        label: `pod ${name} of bed ${layout.name}`,
        netns,
        cgroupProcsFile: cgroup.procsFile,
        env,
        argv: options.command ?? httpAppArgv(name, port ?? defaultHttpPort),
        pod: { hostname: name, rootfsDir },
      });
      const pod = new Pod(name, options, ip, port, netns, placement, cgroup, rootfsDir, main);
      const readyTimeoutMs = options.readyTimeoutMs ?? defaultReadyTimeoutMs;
      const appReady = !options.command
        ? main.waitForOutput(httpAppReadyLine, readyTimeoutMs)
        : port !== undefined
          ? pod.waitForTcp(port, readyTimeoutMs)
          : undefined;
      await Promise.all([dns.register(pod.dnsName, ip), appReady]);
      main.unref();
      return pod;
    } catch (error) {
      // Leave nothing half-made behind the error; whatever this cannot remove, the bed's sweep will.
      await removePodObjects(cgroup, netns, rootfsDir).catch(() => undefined);
      throw error;
    }
  }

  /** Pid of the pod's main process, in the host's pid namespace. */
  get pid(): number {
    return this.main.pid;
  }

  /** The pod's root as the host sees it: `/proc/<pid>/root`. */
  get rootPath(): string {
    return `/proc/${this.pid}/root`;
  }

  /** The last 64 KiB the main process wrote to stdout and stderr. */
  get logs(): string {
    return this.main.logs;
  }

  /** Resolves when the main process has exited. */
  get exited(): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    return this.main.exited;
  }

  url(path = "/"): string {
    return new URL(path, `http://${this.ip}:${this.port ?? defaultHttpPort}`).href;
  }

  /** Request counts of the HTTP app, asked from the host. */
  stats(): Promise<HttpAppStats> {
    return fetchHttpAppStats(this.url());
  }

  /**
   * The argv that runs `argv` inside the pod: its network, mount and UTS namespaces, root, cwd and environment, in
   * the pod's cgroup (so the bed removes it too). For programs that need their own spawn options.
   */
  execArgv(argv: readonly string[], extraEnv: Record<string, string> = {}): string[] {
    return [
      "sh",
      isolateScript,
      this.cgroup.procsFile,
      "",
      "",
      "",
      "nsenter",
      `--target=${this.pid}`,
      "--net",
      "--mount",
      "--uts",
      "--root",
      "--wd",
      "--",
      ...envArgv({ ...this.env, ...extraEnv }),
      ...argv,
    ];
  }

  /** Runs a command inside the pod and returns its output; throws when it exits non-zero (see allowFailure). */
  async exec(argv: readonly string[], options: PodExecOptions = {}): Promise<CommandResult> {
    this.assertAlive();
    return await runCommand(this.execArgv(argv, options.extraEnv), { ...options, env: { PATH: defaultPath } });
  }

  /** Starts a command inside the pod without waiting for it (a client, a second server …). */
  spawn(argv: readonly string[], options: SpawnOptions = {}): ChildProcess {
    this.assertAlive();
    const [file, ...args] = this.execArgv(argv);
    return spawn(file as string, args, { ...options, env: { PATH: defaultPath } });
  }

  /** Signals the main process only (e.g. to test "the target exited"); resolves when it has exited. */
  async kill(signal: NodeJS.Signals = "SIGTERM"): Promise<void> {
    this.main.kill(signal);
    await this.main.exited;
  }

  /** Removes the pod: kills every process in it, its DNS name, namespaces, veth and files. Idempotent. */
  async destroy(): Promise<void> {
    if (this.destroyed) return;
    this.destroyed = true;
    await this.placement.dns.unregister(this.dnsName);
    await removePodObjects(this.cgroup, this.netns, this.rootfsDir);
  }

  get isDestroyed(): boolean {
    return this.destroyed;
  }

  private assertAlive(): void {
    if (this.destroyed) {
      throw new TestBedError(TestBedErrorCode.Destroyed, `test bed: pod ${this.name} was destroyed`);
    }
  }

  private waitForTcp(port: number, timeoutMs: number): Promise<boolean> {
    return waitUntil(
      () => {
        if (this.main.hasExited) {
          throw new TestBedError(
            TestBedErrorCode.NotReady,
            `test bed: pod ${this.name}'s command exited before listening on ${port}; its output:\n${this.logs}`,
          );
        }
        return new Promise<boolean>((resolve, reject) => {
          const socket = connect({ host: this.ip, port }, () => {
            socket.destroy();
            resolve(true);
          });
          socket.once("error", reject);
        });
      },
      { what: `pod ${this.name} to accept TCP on ${this.ip}:${port}`, timeoutMs },
    );
  }
}

/** Kills the pod's processes, then removes its namespaces (the veth goes with them) and its files. */
async function removePodObjects(cgroup: Cgroup, netns: string, rootfsDir: string): Promise<void> {
  await cgroup.destroy();
  if (existsSync(`/run/netns/${netns}`)) await unplugNamespace(netns);
  await rm(rootfsDir, { recursive: true, force: true });
}

function podEnv(name: string, env: Record<string, string> = {}): Record<string, string> {
  for (const key of Object.keys(env)) {
    if (key === "" || key.includes("=") || key.includes("\0")) {
      throw new TestBedError(TestBedErrorCode.BadRequest, `test bed: pod env name ${JSON.stringify(key)} is invalid`);
    }
  }
  return { PATH: defaultPath, HOSTNAME: name, HOME: "/root", ...env };
}
