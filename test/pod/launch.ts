// Starts a long-running process of the bed (a pod's app, the DNS server, the backend) inside a network namespace,
// in its cgroup, optionally with its own hostname and root (see isolate.sh). Every step execs, so the child's pid
// is the app's pid. Keeps the tail of its output for error messages and readiness checks.
import { type ChildProcess, spawn } from "node:child_process";
import type { Socket } from "node:net";
import { fileURLToPath } from "node:url";
import { TestBedError, TestBedErrorCode } from "./errors.ts";

export const isolateScript = fileURLToPath(new URL("./isolate.sh", import.meta.url));

/** The PATH every bed process gets unless its env says otherwise. */
export const defaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

export interface LaunchSpec {
  /** For messages: "pod web of bed dpl42". */
  label: string;
  netns: string;
  cgroupProcsFile: string;
  argv: readonly string[];
  /** The process's whole environment (nothing is inherited from the test process). */
  env: Readonly<Record<string, string>>;
  /** A pod: its own UTS namespace with this hostname, and the overlay root prepared in rootfsDir. */
  pod?: { hostname: string; rootfsDir: string };
}

const outputTailBytes = 64 * 1024;

/** `env -i K=V …` arguments that give a command exactly this environment. */
export function envArgv(env: Readonly<Record<string, string>>): string[] {
  return ["env", "-i", ...Object.entries(env).map(([key, value]) => `${key}=${value}`)];
}

export class LaunchedProcess {
  readonly pid: number;
  /** Resolves when the process has exited (never rejects). */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private output = "";
  private exitStatus: { code: number | null; signal: NodeJS.Signals | null } | undefined;

  constructor(
    readonly label: string,
    private readonly child: ChildProcess,
  ) {
    if (child.pid === undefined) {
      throw new TestBedError(TestBedErrorCode.CommandFailed, `test bed: could not start ${label}`);
    }
    this.pid = child.pid;
    const keep = (chunk: Buffer) => {
      this.output = (this.output + chunk.toString("utf8")).slice(-outputTailBytes);
    };
    child.stdout?.on("data", keep);
    child.stderr?.on("data", keep);
    child.once("error", (error) => keep(Buffer.from(`test bed: ${error.message}\n`)));
    this.exited = new Promise((resolve) => {
      child.once("exit", (code, signal) => {
        this.exitStatus = { code, signal };
        resolve(this.exitStatus);
      });
    });
  }

  /** The last 64 KiB the process wrote to stdout and stderr, interleaved. */
  get logs(): string {
    return this.output;
  }

  get hasExited(): boolean {
    return this.exitStatus !== undefined;
  }

  /** Waits until the output matches `pattern`; fails if the process exits or the time runs out first. */
  waitForOutput(pattern: RegExp, timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const fail = (why: string) => {
        cleanup();
        reject(
          new TestBedError(
            TestBedErrorCode.NotReady,
            `test bed: ${this.label} (pid ${this.pid}) ${why} before printing ${pattern}; its output:\n${this.output}`,
          ),
        );
      };
      const check = () => {
        if (pattern.test(this.output)) {
          cleanup();
          resolve();
        }
      };
      const onExit = () => fail(`exited (${JSON.stringify(this.exitStatus)})`);
      const timer = setTimeout(() => fail(`did not get ready within ${timeoutMs} ms`), timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.child.stdout?.off("data", check);
        this.child.stderr?.off("data", check);
        this.child.off("exit", onExit);
      };
      this.child.stdout?.on("data", check);
      this.child.stderr?.on("data", check);
      this.child.once("exit", onExit);
      check();
      if (this.hasExited) onExit();
    });
  }

  /** Lets the test process exit while this process still runs (the bed's exit handler removes it then). */
  unref(): void {
    this.child.unref();
    for (const stream of [this.child.stdout, this.child.stderr]) (stream as Socket | null)?.unref();
  }

  kill(signal: NodeJS.Signals): void {
    if (!this.hasExited) this.child.kill(signal);
  }
}

export function launch(spec: LaunchSpec): LaunchedProcess {
  const argv = [
    "sh",
    isolateScript,
    spec.cgroupProcsFile,
    spec.netns,
    spec.pod?.hostname ?? "",
    spec.pod?.rootfsDir ?? "",
    ...envArgv(spec.env),
    ...spec.argv,
  ];
  const child = spawn(argv[0] as string, argv.slice(1), {
    stdio: ["ignore", "pipe", "pipe"],
    env: { PATH: defaultPath },
  });
  return new LaunchedProcess(spec.label, child);
}
