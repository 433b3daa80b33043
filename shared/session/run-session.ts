// One `doppel exec` session, start to finish: the session opened (open-session.ts) with the agent where the
// placement puts it, then the app under the layer. Whatever happens, the proxy, the agent (and its objects in the
// cluster) and the session directory are gone when this returns.
import { setTimeout as sleep } from "node:timers/promises";
import type { ResolvedConfig } from "../config/types.gen.ts";
import { doppelError } from "../errors.ts";
import type { AgentPlacement } from "./agent-placement.ts";
import { openSession } from "./open-session.ts";
import { runApp } from "./run-app.ts";
import { sessionProcesses } from "./session-processes.ts";
import { LogLevel, type LogSink, type SessionProxy } from "./session-proxy.ts";

export interface SessionOptions {
  config: ResolvedConfig;
  /** The target as the user wrote it, for messages. */
  target: string;
  placement: AgentPlacement;
  command: string;
  args: readonly string[];
  /** `--no-env`: start the app with the local environment only. */
  importEnv: boolean;
  /** Progress lines (the CLI shows them only on a terminal). */
  progress: (text: string) => void;
  log: LogSink;
}

const leftBehindPollMs = 250;

/**
 * Processes the app left running keep the session: those connected to the proxy, and those that carry the session
 * in their environment but have not needed the proxy yet. The session ends `idle_timeout` seconds after the last
 * of them is gone.
 */
async function leftBehind(proxy: SessionProxy, socketPath: string, idleTimeoutS: number, options: SessionOptions) {
  const alive = sessionProcesses(socketPath).length;
  if (alive === 0) {
    // Nothing alive can join any more; the connections of processes that already exited close on their own.
    await proxy.whenIdle(0);
    return;
  }
  options.progress(`${options.command} exited; waiting for the ${alive} process(es) it left running`);
  while (sessionProcesses(socketPath).length > 0) await sleep(leftBehindPollMs);
  await proxy.whenIdle(idleTimeoutS * 1000);
}

/** Runs the session and resolves with the app's exit code. */
export async function runSession(options: SessionOptions): Promise<number> {
  const { config } = options;
  // Until the app runs (it then gets the signals itself), Ctrl-C or SIGTERM stops the set-up and cleans up.
  const interruption = new AbortController();
  let interruptedExitCode = 130;
  let appRunning = false;
  const interrupt = (signal: NodeJS.Signals) => {
    if (appRunning) return;
    interruptedExitCode = signal === "SIGTERM" ? 143 : 130;
    interruption.abort();
  };
  const detach = () => {
    process.off("SIGINT", interrupt);
    process.off("SIGTERM", interrupt);
  };
  process.on("SIGINT", interrupt);
  process.on("SIGTERM", interrupt);
  const session = await openSession({
    config,
    target: options.target,
    placement: options.placement,
    importEnv: options.importEnv,
    progress: (_phase, text) => options.progress(text),
    log: options.log,
    signal: interruption.signal,
  }).catch((error: unknown) => {
    detach();
    throw error;
  });
  if (session === undefined) {
    detach();
    return interruptedExitCode;
  }
  try {
    const { incoming } = config.feature.network;
    options.progress(`running ${options.command} (session ${session.id}, ${incoming.mode} incoming)`);
    const startIdle = setTimeout(() => {
      if (!session.proxy.hadProcesses) {
        options.log(
          LogLevel.warning,
          `no process joined the session within ${config.internal_proxy.start_idle_timeout} s: ${options.command} may not load the layer (a static binary, or listed in skip_processes)`,
        );
      }
    }, config.internal_proxy.start_idle_timeout * 1000);
    startIdle.unref();
    if (interruption.signal.aborted) return interruptedExitCode;
    let exitCode: number;
    appRunning = true;
    const appEnv = session.appEnv(process.env);
    try {
      exitCode = await runApp({ command: options.command, args: options.args, env: appEnv });
    } catch (error) {
      throw doppelError.sessionCommandFailed(options.command, (error as Error).message);
    } finally {
      clearTimeout(startIdle);
    }
    await leftBehind(session.proxy, String(appEnv.DOPPEL_PROXY_SOCKET), config.internal_proxy.idle_timeout, options);
    return exitCode;
  } finally {
    detach();
    await session.close();
  }
}
