// doppel config which: the configuration file a run in the workspace would use, and why.
import { type ConfigSource, whichConfig } from "../../config/index.ts";
import type { CommandInput } from "../commands.ts";
import { type Io, styleFor, writeJson } from "../io.ts";
import { workspaceFrom } from "./workspace.ts";

const REASONS: Record<ConfigSource, string> = {
  active: "the active configuration (--active)",
  env: "DOPPEL_CONFIG_FILE",
  default: "the first *doppel.<ext> file in .doppel/",
  "alias-env": "MIRRORD_CONFIG_FILE",
  "alias-default": "the first *mirrord.<ext> file in .mirrord/",
  none: "no configuration file found; defaults apply",
};

export function run({ options }: CommandInput, io: Io): number {
  const active = typeof options.active === "string" ? options.active : null;
  const choice = whichConfig({ workspace: workspaceFrom(options.workspace, io), active, env: io.env });
  if (options.json === true) writeJson(io.stdout, choice);
  else if (choice.path === null) io.stdout.write(`${REASONS.none}\n`);
  else io.stdout.write(`${choice.path}  ${styleFor(io.stdout, io.env).dim(`(${REASONS[choice.source]})`)}\n`);
  return 0;
}
