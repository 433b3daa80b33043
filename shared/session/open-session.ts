// Opens a session and keeps it open until closed: a private directory with a fresh token, the agent where the
// placement puts it (next to a local pid, or in the cluster: agent-placement.ts), the one agent link, the pod's
// environment and the session proxy. `doppel exec` runs one app inside it (run-session.ts); `doppel ide start`
// hands its environment to an IDE, which launches the app itself; `doppel port-forward` forwards ports through it.
// A failed or interrupted set-up leaves nothing behind.
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { ResolvedConfig, ResolvedEnvConfig } from "../config/types.gen.ts";
import { DoppelError, doppelError } from "../errors.ts";
import { AgentLink } from "./agent-link.ts";
import type { AgentPlacement, PlacedAgent } from "./agent-placement.ts";
import { buildAppEnv, type EnvRules } from "./app-env.ts";
import { httpFilterFor } from "./incoming-filter.ts";
import { layerConfigOf } from "./layer-config.ts";
import { createSessionDir } from "./session-dir.ts";
import { LogLevel, type LogSink, SessionProxy } from "./session-proxy.ts";

/** The named steps of opening a session, in order; IDEs show them as progress. */
export const SessionPhase = { agent: "agent", env: "env", proxy: "proxy" } as const;
export type SessionPhase = (typeof SessionPhase)[keyof typeof SessionPhase];

export interface OpenSessionOptions {
  config: ResolvedConfig;
  /** The target as the user wrote it, for messages. */
  target: string;
  /** Where the agent runs: localAgentPlacement or the cluster's (placementForTarget picks). */
  placement: AgentPlacement;
  /** false (`--no-env`): the app keeps the local environment only. */
  importEnv: boolean;
  progress: (phase: SessionPhase, text: string) => void;
  log: LogSink;
  /** Aborting stops the set-up and removes what it started; openSession then resolves undefined. */
  signal: AbortSignal;
}

export interface OpenSession {
  id: string;
  proxy: SessionProxy;
  /** The pod's variables as the agent sent them (include/exclude applied), empty when env import is off. */
  remoteEnv: Readonly<Record<string, string>>;
  /**
   * The environment of an app in this session: `base` with the pod's variables merged in by the `feature.env`
   * rules, the layer preloaded in front of any LD_PRELOAD of `base`, and the variables the layer reads.
   */
  appEnv(base: NodeJS.ProcessEnv): NodeJS.ProcessEnv;
  /** Stops the proxy, the agent link and the agent, and removes the session directory. Safe to call twice. */
  close(): Promise<void>;
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

export async function openSession(options: OpenSessionOptions): Promise<OpenSession | undefined> {
  const { config, placement, signal } = options;
  const layerPath = layerLibraryPath();
  if (!existsSync(layerPath)) throw doppelError.sessionLayerMissing(layerPath);

  const dir = createSessionDir();
  const id = randomBytes(4).toString("hex");
  let agent: PlacedAgent | undefined;
  let link: AgentLink | undefined;
  let proxy: SessionProxy | undefined;
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await proxy?.close();
    link?.stop();
    await agent?.stop();
    dir.remove();
  };
  try {
    options.progress(SessionPhase.agent, `starting the agent ${placement.description}`);
    try {
      agent = await placement.place(
        { id, token: dir.token, tokenFile: dir.tokenFile },
        {
          startupTimeoutMs: config.agent.startup_timeout * 1000,
          communicationTimeoutS: config.agent.communication_timeout,
          signal,
          progress: (text) => options.progress(SessionPhase.agent, text),
        },
      );
      link = await AgentLink.connect({
        host: agent.host,
        port: agent.port,
        token: dir.token,
        timeoutMs: config.agent.startup_timeout * 1000,
      });
    } catch (error) {
      if (signal.aborted) {
        await close();
        return undefined;
      }
      await close();
      if (error instanceof DoppelError) throw error;
      const transport = agent?.transportError();
      throw doppelError.sessionAgentFailed(`${(error as Error).message}${transport ? ` (${transport})` : ""}`);
    }
    const placed = agent;
    link.once("lost", () => {
      const transport = placed.transportError();
      if (!closed && transport) options.log(LogLevel.error, `agent ${placed.where}: ${transport}`);
    });

    const envConfig = config.feature.env;
    const importEnv = options.importEnv && envConfig.enabled;
    let remoteEnv: Record<string, string> = {};
    if (importEnv) {
      options.progress(SessionPhase.env, "importing the pod's environment");
      const reply = await link.request("ENV_GET", {
        include: envConfig.include ?? [],
        exclude: envConfig.exclude ?? [],
      });
      if (reply.type === "ENV_VARS") remoteEnv = Object.fromEntries(reply.body.vars.map((v) => [v.key, v.value]));
    }

    options.progress(SessionPhase.proxy, "starting the session proxy");
    const { incoming } = config.feature.network;
    proxy = await SessionProxy.start({
      socketPath: dir.proxySocketPath,
      token: dir.token,
      link,
      layerConfig: layerConfigOf(config, LogLevel.warning),
      incoming: {
        concurrentSteal: concurrentSteal[incoming.on_concurrent_steal],
        mirrorPercent: incoming.mirror_percent,
        httpFilter: (port) => httpFilterFor(incoming, port),
      },
      log: options.log,
    });
    if (signal.aborted) {
      await close();
      return undefined;
    }

    const appEnv = (base: NodeJS.ProcessEnv): NodeJS.ProcessEnv => {
      const env = importEnv ? buildAppEnv(base, remoteEnv, envRulesOf(envConfig)) : { ...base };
      return Object.assign(env, {
        LD_PRELOAD: [layerPath, env.LD_PRELOAD].filter((item) => item).join(":"),
        DOPPEL_PROXY_SOCKET: dir.proxySocketPath,
        DOPPEL_SESSION_TOKEN: dir.token,
        // libuv's io_uring file operations would bypass the layer's libc hooks.
        UV_USE_IO_URING: "0",
      });
    };
    return { id, proxy, remoteEnv, appEnv, close };
  } catch (error) {
    await close();
    throw error;
  }
}
