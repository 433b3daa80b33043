// doppel exec [-t TARGET] [-n NS] [--kubeconfig F] [--context C] [-f CONFIG] [--steal] [--fs-mode MODE] [--no-env]
//             [--explain-fs PATH] -- CMD ARGS…
// Resolves the configuration (flags > environment > file > defaults), then runs CMD as if inside the target.
// The exit code is CMD's. `--explain-fs PATH` only prints how the layer would treat PATH, with the same rules.
import { spawnSync } from "node:child_process";
import { dirname, join, resolve } from "node:path";
import { type ConfigOverrides, loadConfig, type ResolvedConfig, whichConfig } from "../../config/index.ts";
import { doppelError } from "../../errors.ts";
import { unfilteredStealWarning } from "../../session/incoming-filter.ts";
import { layerLibraryPath } from "../../session/open-session.ts";
import { runSession } from "../../session/run-session.ts";
import { placementForTarget } from "../../session/target-placement.ts";
import type { CommandInput } from "../commands.ts";
import { type Io, styleFor } from "../io.ts";
import { sessionOutput } from "../session-output.ts";

interface ExecOptions {
  target?: string;
  namespace?: string;
  kubeconfig?: string;
  context?: string;
  configFile?: string;
  steal?: boolean;
  fsMode?: ResolvedConfig["feature"]["fs"]["mode"];
  /** commander's `--no-env`: false when given. */
  env?: boolean;
  explainFs?: string;
}

function overridesOf(options: ExecOptions): ConfigOverrides {
  return {
    target: options.target ? { path: options.target } : undefined,
    feature: {
      network: options.steal ? { incoming: { mode: "steal" } } : undefined,
      fs: options.fsMode ? { mode: options.fsMode } : undefined,
    },
  };
}

function explainFs(config: ResolvedConfig, path: string, command: string | undefined, io: Io): number {
  const { fs } = config.feature;
  const lists = [
    ["--read-write", fs.read_write],
    ["--read-only", fs.read_only],
    ["--local", fs.local],
    ["--not-found", fs.not_found],
  ] as const;
  const flags = [
    "--mode",
    fs.mode,
    "--cwd",
    io.cwd,
    ...lists.flatMap(([flag, items]) => (items ?? []).flatMap((item) => [flag, item])),
  ];
  if (command) flags.push("--exe", resolve(io.cwd, command));
  const tool = join(dirname(layerLibraryPath()), "dpl-explain-fs");
  const result = spawnSync(tool, [...flags, path], { encoding: "utf8", env: io.env });
  if (result.error) throw doppelError.sessionLayerMissing(tool);
  io.stdout.write(result.stdout);
  io.stderr.write(result.stderr);
  return result.status ?? 1;
}

export async function run({ args, options }: CommandInput, io: Io): Promise<number> {
  const flags = options as ExecOptions;
  const path = flags.configFile
    ? resolve(io.cwd, flags.configFile)
    : whichConfig({ workspace: io.cwd, env: io.env }).path;
  const { config, warnings } = loadConfig({ path, env: io.env, overrides: overridesOf(flags) });
  const style = styleFor(io.stderr, io.env);
  const stealWarning = unfilteredStealWarning(config.feature.network.incoming);
  for (const warning of stealWarning ? [...warnings, stealWarning] : warnings)
    io.stderr.write(`${style.warning("warning:")} ${warning}\n`);
  const [command, ...commandArgs] = args;
  if (flags.explainFs !== undefined) return explainFs(config, flags.explainFs, command, io);
  if (command === undefined) {
    io.stderr.write("doppel exec: name the command to run after --, e.g. doppel exec -t pid/1234 -- node app.js\n");
    return 1;
  }
  const targetText = config.target.path ?? "targetless";
  const placement = placementForTarget({
    config,
    target: targetText,
    kubeFlags: { kubeconfig: flags.kubeconfig, context: flags.context, namespace: flags.namespace },
    env: io.env,
    cwd: io.cwd,
    warn: (text) => io.stderr.write(`${style.warning("warning:")} ${text}\n`),
  });

  const output = sessionOutput(io);
  return runSession({
    config,
    target: targetText,
    placement,
    command,
    args: commandArgs,
    importEnv: flags.env !== false,
    progress: output.progress,
    log: output.log,
  });
}
