// doppel ide start: opens a session for a launch the IDE is about to make and hands over the environment the
// launched process needs (`ready`). The session lives until the IDE writes {"type":"stop"}, closes stdin, or
// signals this process; then it is torn down and `stopped` is the last line.
import { createInterface } from "node:readline";
import type { ResolvedConfig } from "../../config/index.ts";
import type { AgentPlacement } from "../../session/agent-placement.ts";
import { unfilteredStealWarning } from "../../session/incoming-filter.ts";
import { openSession } from "../../session/open-session.ts";
import { LogLevel } from "../../session/session-proxy.ts";
import { placementForTarget } from "../../session/target-placement.ts";
import type { CommandInput } from "../commands.ts";
import { type IdeEvent, parseOverridesJson, runIdeCommand, writeEvent } from "../ide-protocol.ts";
import type { Io } from "../io.ts";
import { type IdeConfigOptions, loadIdeConfig } from "./ide-config.ts";

type StopReason = Extract<IdeEvent, { type: "stopped" }>["reason"];
type LogEvent = Extract<IdeEvent, { type: "log" }>;

const LEVEL_NAMES: Record<number, LogEvent["level"]> = {
  [LogLevel.error]: "error",
  [LogLevel.warning]: "warning",
  [LogLevel.info]: "info",
  [LogLevel.debug]: "debug",
};

interface StartOptions extends IdeConfigOptions {
  /** Configuration keys the IDE sets for this launch (a partial configuration as JSON). */
  overridesJson?: string;
  /** Comma-separated executable names the layer leaves alone (the IDE's debugger helpers). */
  skipProcesses?: string;
}

interface StopRequests {
  /** Why the IDE wants the session to end: a stop request, stdin closing, or a signal. */
  reason: Promise<StopReason>;
  /** Aborted when a stop arrives, so a session still being set up stops too. */
  signal: AbortSignal;
  dispose(): void;
}

function watchStopRequests(): StopRequests {
  const abort = new AbortController();
  const lines = createInterface({ input: process.stdin });
  let resolveReason: (reason: StopReason) => void = () => {};
  const reason = new Promise<StopReason>((resolve) => {
    resolveReason = resolve;
  });
  const onSignal = () => finish("signal");
  const dispose = () => {
    lines.close();
    // Nothing more is read; an open pipe from the IDE must not keep this process alive.
    process.stdin.destroy();
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  };
  function finish(why: StopReason) {
    if (abort.signal.aborted) return;
    abort.abort();
    dispose();
    resolveReason(why);
  }
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  lines.on("line", (line) => {
    try {
      if ((JSON.parse(line) as { type?: unknown }).type === "stop") finish("stop");
    } catch {
      // Not a request of this protocol (or an empty line); the session goes on.
    }
  });
  lines.on("close", () => finish("stdin-closed"));
  return { reason, signal: abort.signal, dispose };
}

/** What to set and what to remove so that `base` becomes `wanted`. */
function difference(
  base: NodeJS.ProcessEnv,
  wanted: NodeJS.ProcessEnv,
): { env: Record<string, string>; unset: string[] } {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(wanted))
    if (value !== undefined && base[name] !== value) env[name] = value;
  const unset = Object.keys(base).filter((name) => base[name] !== undefined && wanted[name] === undefined);
  return { env, unset };
}

export function run({ options }: CommandInput, io: Io): Promise<number> {
  return runIdeCommand(io, async () => {
    const flags = options as StartOptions;
    writeEvent(io, { type: "progress", phase: "config", message: "loading the configuration" });
    const loaded = loadIdeConfig(flags, io, parseOverridesJson(flags.overridesJson));
    const stealWarning = unfilteredStealWarning(loaded.config.feature.network.incoming);
    for (const warning of stealWarning ? [...loaded.warnings, stealWarning] : loaded.warnings)
      writeEvent(io, { type: "log", level: "warning", message: warning });
    const helpers = (flags.skipProcesses ?? "").split(",").filter((name) => name !== "");
    const config: ResolvedConfig = {
      ...loaded.config,
      skip_processes: [...(loaded.config.skip_processes ?? []), ...helpers],
    };
    const targetText = config.target.path ?? "targetless";
    const placement = placementForTarget({
      config,
      target: targetText,
      env: loaded.launchEnv,
      cwd: io.cwd,
      warn: (message) => writeEvent(io, { type: "log", level: "warning", message }),
    });

    const stop = watchStopRequests();
    try {
      return await serve(
        io,
        { config, target: targetText, placement, configPath: loaded.choice.path, launchEnv: loaded.launchEnv },
        stop,
      );
    } finally {
      stop.dispose();
    }
  });
}

interface ServeOptions {
  config: ResolvedConfig;
  target: string;
  placement: AgentPlacement;
  configPath: string | null;
  launchEnv: NodeJS.ProcessEnv;
}

async function serve(io: Io, options: ServeOptions, stop: StopRequests): Promise<number> {
  const session = await openSession({
    config: options.config,
    target: options.target,
    placement: options.placement,
    importEnv: true,
    progress: (phase, message) => writeEvent(io, { type: "progress", phase, message }),
    log: (level, message) => writeEvent(io, { type: "log", level: LEVEL_NAMES[level] ?? "debug", message }),
    signal: stop.signal,
  });
  if (session === undefined) {
    writeEvent(io, { type: "stopped", reason: await stop.reason });
    return 0;
  }
  try {
    const { env, unset } = difference(options.launchEnv, session.appEnv(options.launchEnv));
    writeEvent(io, {
      type: "ready",
      session: {
        id: session.id,
        target: options.target,
        config: options.configPath,
        proxySocket: env.DOPPEL_PROXY_SOCKET ?? "",
      },
      env,
      unset,
    });
    const reason = await stop.reason;
    await session.close();
    writeEvent(io, { type: "stopped", reason });
    return 0;
  } finally {
    await session.close();
  }
}
