// One `doppel exec` session against a local `pid/<N>` target, start to finish: a private directory with a fresh
// token, the agent next to the target, the one agent link, the pod's environment, the session proxy, then the app
// under the layer. Whatever happens, the proxy, the agent and the directory are gone when this returns.
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { ResolvedConfig, ResolvedEnvConfig } from "../config/types.gen.ts";
import { doppelError } from "../errors.ts";
import { AgentLink } from "./agent-link.ts";
import { buildAppEnv, type EnvRules } from "./app-env.ts";
import { layerConfigOf } from "./layer-config.ts";
import { type LocalAgent, startLocalAgent } from "./local-agent.ts";
import { runApp } from "./run-app.ts";
import { createSessionDir } from "./session-dir.ts";
import { LogLevel, type LogSink, SessionProxy } from "./session-proxy.ts";

export interface SessionOptions {
  config: ResolvedConfig;
  /** The target as the user wrote it, for messages. */
  target: string;
  pid: number;
  command: string;
  args: readonly string[];
  /** `--no-env`: start the app with the local environment only. */
  importEnv: boolean;
  /** Progress lines (the CLI shows them only on a terminal). */
  progress: (text: string) => void;
  log: LogSink;
}

const concurrentSteal = { abort: 0, continue: 1, override: 2 } as const;

/** libdoppel_layer.so: DOPPEL_LAYER_PATH, else native-layer/build two levels above this module (source or bundle). */
export function layerLibraryPath(): string {
  return (
    process.env.DOPPEL_LAYER_PATH ??
    fileURLToPath(new URL("../../native-layer/build/libdoppel_layer.so", import.meta.url))
  );
}

export function envRulesOf(env: ResolvedEnvConfig): EnvRules {
  const defined = (map: Record<string, string | undefined> | null) =>
    Object.fromEntries(Object.entries(map ?? {}).filter((entry): entry is [string, string] => entry[1] !== undefined));
  return {
    include: env.include ?? undefined,
    exclude: env.exclude ?? undefined,
    override: defined(env.override),
    mapping: defined(env.mapping),
    unset: env.unset ?? undefined,
    envFile: env.env_file ?? undefined,
  };
}

/** Runs the session and resolves with the app's exit code. */
export async function runSession(options: SessionOptions): Promise<number> {
  const { config, pid } = options;
  if (process.platform !== "linux" || process.getuid?.() !== 0) throw doppelError.sessionNeedsRoot(options.target);
  if (!existsSync(`/proc/${pid}`)) throw doppelError.sessionTargetNotFound(options.target, pid);
  const layerPath = layerLibraryPath();
  if (!existsSync(layerPath)) throw doppelError.sessionLayerMissing(layerPath);

  const dir = createSessionDir();
  const sessionId = randomBytes(4).toString("hex");
  // Until the app runs (it then gets the signals itself), Ctrl-C or SIGTERM stops the set-up and cleans up.
  const interruption = new AbortController();
  let interruptedExitCode = 130;
  let appRunning = false;
  const interrupt = (signal: NodeJS.Signals) => {
    if (appRunning) return;
    interruptedExitCode = signal === "SIGTERM" ? 143 : 130;
    interruption.abort();
  };
  process.on("SIGINT", interrupt);
  process.on("SIGTERM", interrupt);
  let agent: LocalAgent | undefined;
  let link: AgentLink | undefined;
  let proxy: SessionProxy | undefined;
  try {
    options.progress(`starting the agent next to pid ${pid}`);
    try {
      agent = await startLocalAgent({
        pid,
        tokenFile: dir.tokenFile,
        sessionId,
        startTimeoutMs: config.agent.startup_timeout * 1000,
        communicationTimeoutS: config.agent.communication_timeout,
        signal: interruption.signal,
      });
      link = await AgentLink.connect({
        host: agent.host,
        port: agent.port,
        token: dir.token,
        timeoutMs: config.agent.startup_timeout * 1000,
      });
    } catch (error) {
      if (interruption.signal.aborted) return interruptedExitCode;
      throw doppelError.sessionAgentFailed((error as Error).message);
    }
    const connected = link;

    const envConfig = config.feature.env;
    let remoteEnv: Record<string, string> = {};
    if (options.importEnv && envConfig.enabled) {
      options.progress("importing the pod's environment");
      const reply = await connected.request("ENV_GET", {
        include: envConfig.include ?? [],
        exclude: envConfig.exclude ?? [],
      });
      if (reply.type === "ENV_VARS") remoteEnv = Object.fromEntries(reply.body.vars.map((v) => [v.key, v.value]));
    }

    const { incoming } = config.feature.network;
    proxy = await SessionProxy.start({
      socketPath: dir.proxySocketPath,
      token: dir.token,
      link: connected,
      layerConfig: layerConfigOf(config, LogLevel.warning),
      incoming: {
        concurrentSteal: concurrentSteal[incoming.on_concurrent_steal],
        mirrorPercent: incoming.mirror_percent,
      },
      log: options.log,
    });

    const appEnv =
      options.importEnv && envConfig.enabled
        ? buildAppEnv(process.env, remoteEnv, envRulesOf(envConfig))
        : { ...process.env };
    const preload = [layerPath, appEnv.LD_PRELOAD].filter((item) => item).join(":");
    Object.assign(appEnv, {
      LD_PRELOAD: preload,
      DOPPEL_PROXY_SOCKET: dir.proxySocketPath,
      DOPPEL_SESSION_TOKEN: dir.token,
      // libuv's io_uring file operations would bypass the layer's libc hooks.
      UV_USE_IO_URING: "0",
    });

    options.progress(`running ${options.command} (session ${sessionId}, ${incoming.mode} incoming)`);
    const startIdle = setTimeout(() => {
      if (!proxy?.hadProcesses) {
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
    try {
      exitCode = await runApp({ command: options.command, args: options.args, env: appEnv });
    } catch (error) {
      throw doppelError.sessionCommandFailed(options.command, (error as Error).message);
    } finally {
      clearTimeout(startIdle);
    }
    if (proxy.processCount > 0) {
      options.progress(`${options.command} exited; waiting for ${proxy.processCount} process(es) it left running`);
      await proxy.whenIdle(config.internal_proxy.idle_timeout * 1000);
    }
    return exitCode;
  } finally {
    process.off("SIGINT", interrupt);
    process.off("SIGTERM", interrupt);
    await proxy?.close();
    link?.stop();
    await agent?.stop();
    dir.remove();
  }
}
