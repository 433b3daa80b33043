// Starts the agent as a local root process next to a `pid/<N>` target and waits until it listens.
// The agent prints one JSON line `{"listening":"HOST:PORT"}` on stdout once ready; anything it says on stderr
// before dying is kept so the error can show it.
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

export interface LocalAgentOptions {
  pid: number;
  tokenFile: string;
  sessionId: string;
  /** How long to wait for the listening line before giving up. */
  startTimeoutMs?: number;
  /** Seconds without a message after which the agent ends the session (agent.communication_timeout). */
  communicationTimeoutS?: number;
  /** Aborting stops the agent while it starts (the session was interrupted). */
  signal?: AbortSignal;
}

export interface LocalAgent {
  readonly host: string;
  readonly port: number;
  readonly process: ChildProcess;
  /** Stops the agent (SIGTERM, then SIGKILL after a grace period) and resolves once it has exited. */
  stop(): Promise<void>;
}

export class LocalAgentError extends Error {
  constructor(
    message: string,
    readonly stderrTail: string,
  ) {
    super(stderrTail ? `${message}\nagent output:\n${stderrTail}` : message);
    this.name = "LocalAgentError";
  }
}

/** The agent bundle: DOPPEL_AGENT_PATH, else agent/dist/agent.js two levels above this module (source or bundle). */
export function agentEntryPath(): string {
  return process.env.DOPPEL_AGENT_PATH ?? fileURLToPath(new URL("../../agent/dist/agent.js", import.meta.url));
}

const stopGraceMs = 3000;
const stderrKeptBytes = 4000;

export function startLocalAgent(options: LocalAgentOptions): Promise<LocalAgent> {
  const entry = agentEntryPath();
  if (!existsSync(entry)) {
    return Promise.reject(
      new LocalAgentError(
        `the agent is not built: ${entry} is missing. Run \`npm run build\` in the repository root.`,
        "",
      ),
    );
  }
  const child = spawn(
    process.execPath,
    [
      entry,
      "--pid",
      String(options.pid),
      "--listen",
      "127.0.0.1:0",
      "--token-file",
      options.tokenFile,
      "--session",
      options.sessionId,
      ...(options.communicationTimeoutS ? ["--communication-timeout", String(options.communicationTimeoutS)] : []),
    ],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let stderrTail = "";
  child.stderr.setEncoding("utf8");
  child.stderr.on("data", (chunk: string) => {
    stderrTail = (stderrTail + chunk).slice(-stderrKeptBytes);
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));

  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), stopGraceMs);
    await exited;
    clearTimeout(timer);
  };

  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout });
    // The first reason wins: stopping the agent after a timeout or an abort makes it exit, which is not news.
    let failed = false;
    const fail = (message: string) => {
      if (failed) return;
      failed = true;
      clearTimeout(timer);
      options.signal?.removeEventListener("abort", interrupted);
      lines.close();
      void stop().then(() => reject(new LocalAgentError(message, stderrTail.trim())));
    };
    const timer = setTimeout(
      () =>
        fail(
          `the agent for pid ${options.pid} did not report a listening address within ${options.startTimeoutMs ?? 10000} ms`,
        ),
      options.startTimeoutMs ?? 10000,
    );
    const interrupted = () => fail("the session was interrupted while the agent started");
    options.signal?.addEventListener("abort", interrupted, { once: true });
    child.once("error", (error) => fail(`could not start the agent (${process.execPath} ${entry}): ${error.message}`));
    const exitedEarly = (code: number | null, signal: NodeJS.Signals | null) =>
      fail(`the agent for pid ${options.pid} exited before it was ready (${signal ?? `exit code ${code}`})`);
    child.once("exit", exitedEarly);
    lines.on("line", (line) => {
      let listening: unknown;
      try {
        listening = (JSON.parse(line) as { listening?: unknown }).listening;
      } catch {
        return;
      }
      if (typeof listening !== "string") return;
      const separator = listening.lastIndexOf(":");
      clearTimeout(timer);
      options.signal?.removeEventListener("abort", interrupted);
      child.off("exit", exitedEarly);
      lines.close();
      child.stdout.resume();
      resolve({
        host: listening.slice(0, separator),
        port: Number(listening.slice(separator + 1)),
        process: child,
        stop,
      });
    });
  });
}
