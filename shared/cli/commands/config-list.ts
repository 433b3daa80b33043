// doppel config list: the files the IDE offers as the active configuration.
import { listConfigCandidates } from "../../config/index.ts";
import type { CommandInput } from "../commands.ts";
import { type Io, writeJson } from "../io.ts";
import { workspaceFrom } from "./workspace.ts";

export function run({ options }: CommandInput, io: Io): number {
  const workspace = workspaceFrom(options.workspace, io);
  const candidates = listConfigCandidates(workspace);
  if (options.json === true) writeJson(io.stdout, candidates);
  else if (candidates.length === 0) io.stderr.write(`no configuration files in ${workspace}\n`);
  else io.stdout.write(candidates.map((path) => `${path}\n`).join(""));
  return 0;
}
