// doppel port-forward [-t TARGET] [-n NS] [--kubeconfig F] [--context C] [-f CONFIG] -L [lport:]host:rport …
//                     -R rport[:lport] … [--json]
// Local ports forwarded to hosts the target reaches (-L), and the target's incoming ports forwarded to local ones
// (-R), until Ctrl-C or SIGTERM; then every listener, subscription and the agent are removed. The -L listeners are
// bound before the session opens, so a busy port fails at once. Exit code 0 when stopped, 1 when the agent is lost.
import { resolve } from "node:path";
import { type ConfigOverrides, loadConfig, type ResolvedConfig, whichConfig } from "../../config/index.ts";
import { doppelError } from "../../errors.ts";
import { type ForwardDescription, PortForwarder } from "../../port-forward/port-forwarder.ts";
import { parseForwardSpecs } from "../../port-forward/spec.ts";
import type { AgentLostError } from "../../session/agent-link.ts";
import { type OpenSession, openSession } from "../../session/open-session.ts";
import { LogLevel } from "../../session/session-proxy.ts";
import { placementForTarget } from "../../session/target-placement.ts";
import { parseTarget } from "../../target/index.ts";
import type { CommandInput } from "../commands.ts";
import { type Io, styleFor } from "../io.ts";
import { sessionOutput } from "../session-output.ts";

interface PortForwardOptions {
  target?: string;
  namespace?: string;
  kubeconfig?: string;
  context?: string;
  configFile?: string;
  local?: string[];
  remote?: string[];
  json?: boolean;
}

function readyLine(forward: ForwardDescription, target: string): string {
  const from = target === "targetless" ? "from the cluster (targetless)" : `from ${target}`;
  return forward.forward === "local"
    ? `forwarding ${forward.listen} -> ${forward.to} (${from})\n`
    : `forwarding ${target} port ${forward.port} -> ${forward.to}\n`;
}

/**
 * -R steals whatever incoming mode the configuration names, and its http_filter and pass_probes apply as they do
 * for `doppel exec --steal`.
 */
function stealing(config: ResolvedConfig): ResolvedConfig {
  const { network } = config.feature;
  return {
    ...config,
    feature: { ...config.feature, network: { ...network, incoming: { ...network.incoming, mode: "steal" } } },
  };
}

/** Resolves on Ctrl-C / SIGTERM (true) or when the agent is lost (false). */
function untilStopped(interruption: AbortSignal, lost: Promise<AgentLostError>): Promise<boolean> {
  if (interruption.aborted) return Promise.resolve(true);
  return Promise.race([
    new Promise<boolean>((done) => interruption.addEventListener("abort", () => done(true), { once: true })),
    lost.then(() => false),
  ]);
}

export async function run({ options }: CommandInput, io: Io): Promise<number> {
  const flags = options as PortForwardOptions;
  const specs = parseForwardSpecs(flags.local ?? [], flags.remote ?? []);
  if (specs.local.length === 0 && specs.remote.length === 0) throw doppelError.portForwardNothingToForward();
  const path = flags.configFile
    ? resolve(io.cwd, flags.configFile)
    : whichConfig({ workspace: io.cwd, env: io.env }).path;
  const overrides: ConfigOverrides = { target: flags.target ? { path: flags.target } : undefined };
  const { config, warnings } = loadConfig({ path, env: io.env, overrides });
  const style = styleFor(io.stderr, io.env);
  for (const warning of warnings) io.stderr.write(`${style.warning("warning:")} ${warning}\n`);
  const targetText = config.target.path ?? "targetless";
  const [firstRemote] = specs.remote;
  if (firstRemote && parseTarget(targetText).kind === "targetless") {
    throw doppelError.portForwardRemoteNeedsTarget(firstRemote.text);
  }
  const placement = placementForTarget({
    config,
    target: targetText,
    kubeFlags: { kubeconfig: flags.kubeconfig, context: flags.context, namespace: flags.namespace },
    env: io.env,
    cwd: io.cwd,
    warn: (text) => io.stderr.write(`${style.warning("warning:")} ${text}\n`),
  });

  const output = sessionOutput(io);
  const { log } = output;
  const interruption = new AbortController();
  let stopSignal: NodeJS.Signals | undefined;
  const interrupt = (signal: NodeJS.Signals) => {
    stopSignal = signal;
    interruption.abort();
  };
  process.on("SIGINT", interrupt);
  process.on("SIGTERM", interrupt);
  let forwarder: PortForwarder | undefined;
  let session: OpenSession | undefined;
  try {
    forwarder = await PortForwarder.bind(specs, log);
    session = await openSession({
      config: specs.remote.length > 0 ? stealing(config) : config,
      target: targetText,
      placement,
      importEnv: false,
      progress: (_phase, text) => output.progress(text),
      log,
      signal: interruption.signal,
    });
    if (session === undefined) return 0;
    const { link } = session.proxy;
    const lost = new Promise<AgentLostError>((resolveLost) => link.once("lost", resolveLost));
    await forwarder.start(session.proxy);
    for (const forward of forwarder.describe()) {
      io.stdout.write(flags.json ? `${JSON.stringify(forward)}\n` : readyLine(forward, targetText));
    }
    if (!(await untilStopped(interruption.signal, lost))) {
      log(LogLevel.error, "port-forward stopped: the connection to the agent is gone; run it again to reconnect");
      return 1;
    }
    log(LogLevel.info, `${stopSignal ?? "stop"} received: removing the forwards`);
    return 0;
  } finally {
    // The ports go back to the target before the session (and with it the agent) ends.
    await forwarder?.close();
    await session?.close();
    process.off("SIGINT", interrupt);
    process.off("SIGTERM", interrupt);
  }
}
