// doppel ide configs: the files the IDE offers as the active configuration, and the one the rules pick now.
import { listConfigCandidates } from "../../config/index.ts";
import type { CommandInput } from "../commands.ts";
import { runIdeCommand, writeEvent } from "../ide-protocol.ts";
import type { Io } from "../io.ts";
import { chooseIdeConfig, type IdeConfigOptions } from "./ide-config.ts";
import { workspaceFrom } from "./workspace.ts";

export function run({ options }: CommandInput, io: Io): Promise<number> {
  return runIdeCommand(io, () => {
    const flags = options as IdeConfigOptions;
    const workspace = workspaceFrom(flags.workspace, io);
    const { choice } = chooseIdeConfig(flags, io);
    writeEvent(io, { type: "configs", workspace, candidates: listConfigCandidates(workspace), chosen: choice });
    return 0;
  });
}
