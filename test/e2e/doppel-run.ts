// Runs `doppel exec` from the sources (through tsx, so no stale bundle is tested) and reads the app's JSON lines.
// Every run is registered so a failed test still stops it; stopping sends SIGTERM, which doppel forwards to the
// app before it tears the session down.
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { killAll, processTree } from "../../scripts/process-tree.mjs";

export const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
/** How doppel is started: from the TypeScript sources (tests: never a stale bundle) or as built (the demo). */
const cliCommands = {
  source: ["--import", "tsx", fileURLToPath(new URL("../../shared/cli/main.ts", import.meta.url))],
  built: [fileURLToPath(new URL("../../shared/bin/doppel.js", import.meta.url))],
} as const;
export type CliBuild = keyof typeof cliCommands;

export type Line = Record<string, unknown>;

export class DoppelRun {
  readonly lines: Line[] = [];
  stderr = "";
  private waiters: { match: (line: Line) => boolean; resolve: (line: Line) => void }[] = [];
  readonly exited: Promise<number>;

  constructor(readonly process: ChildProcess) {
    createInterface({ input: process.stdout as NodeJS.ReadableStream }).on("line", (text) => {
      let line: Line;
      try {
        line = JSON.parse(text) as Line;
      } catch {
        line = { text };
      }
      this.lines.push(line);
      for (const waiter of this.waiters.filter((w) => w.match(line))) {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        waiter.resolve(line);
      }
    });
    process.stderr?.setEncoding("utf8");
    process.stderr?.on("data", (chunk: string) => {
      this.stderr += chunk;
    });
    this.exited = once(process, "exit").then(([code, signal]) => (code as number | null) ?? 128 + (signal ? 1 : 0));
  }

  /** The first line (already printed or future) that matches; fails after `timeoutMs` with what was printed. */
  line(match: (line: Line) => boolean, timeoutMs = 30_000): Promise<Line> {
    const seen = this.lines.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(
          new Error(
            `no matching line within ${timeoutMs} ms; stdout: ${JSON.stringify(this.lines)}; stderr: ${this.stderr}`,
          ),
        );
      }, timeoutMs);
      this.waiters.push({
        match,
        resolve: (line) => {
          clearTimeout(timer);
          resolve(line);
        },
      });
    });
  }

  /**
   * The exit code, or — if doppel is still running after `timeoutMs` — a failure that shows what it printed and
   * what its processes were waiting in, so a hang in CI can be read from the log. The run is killed then.
   */
  finish(timeoutMs = 60_000): Promise<number> {
    return this.exitWithin(timeoutMs, "still running");
  }

  /** SIGTERM (doppel forwards it to the app, then tears down); fails like `finish` if doppel outlives `graceMs`. */
  stop(graceMs = 20_000): Promise<number> {
    if (this.process.exitCode === null && this.process.signalCode === null) this.process.kill("SIGTERM");
    return this.exitWithin(graceMs, "did not exit after SIGTERM");
  }

  private async exitWithin(timeoutMs: number, what: string): Promise<number> {
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const tree = processTree(this.process.pid);
        const report = `doppel ${what} within ${timeoutMs} ms; processes:\n${tree.map((row) => row.text).join("\n")}\nstdout: ${JSON.stringify(this.lines)}\nstderr: ${this.stderr}`;
        killAll(tree.map((row) => row.pid));
        reject(new Error(report));
      }, timeoutMs);
    });
    try {
      return await Promise.race([this.exited, timedOut]);
    } finally {
      clearTimeout(timer);
    }
  }
}

const running = new Set<DoppelRun>();

/** `doppel exec ARGS…` (ARGS include `-t pid/N … -- CMD`). */
export function doppelExec(
  args: readonly string[],
  env: NodeJS.ProcessEnv = {},
  build: CliBuild = "source",
): DoppelRun {
  return doppel(["exec", ...args], env, build);
}

/** `doppel ARGS…`: any command (`port-forward …`). */
export function doppel(args: readonly string[], env: NodeJS.ProcessEnv = {}, build: CliBuild = "source"): DoppelRun {
  const child = spawn(process.execPath, [...cliCommands[build], ...args], {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const run = new DoppelRun(child);
  running.add(run);
  void run.exited.then(() => running.delete(run));
  return run;
}

/** Stops every run still going (an `after` hook of each e2e file calls it). */
export async function stopAllRuns(): Promise<void> {
  const results = await Promise.allSettled([...running].map((run) => run.stop()));
  const failure = results.find((result) => result.status === "rejected");
  if (failure) throw failure.reason;
}
