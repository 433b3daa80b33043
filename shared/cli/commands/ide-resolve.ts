// doppel ide resolve: which configuration a launch would use and its target, so the IDE knows whether to ask
// for one. Every problem of the file comes back located, before anything starts.
import type { CommandInput } from "../commands.ts";
import { runIdeCommand, writeEvent } from "../ide-protocol.ts";
import type { Io } from "../io.ts";
import { type IdeConfigOptions, loadIdeConfig } from "./ide-config.ts";

export function run({ options }: CommandInput, io: Io): Promise<number> {
  return runIdeCommand(io, () => {
    const { config, warnings, choice } = loadIdeConfig(options as IdeConfigOptions, io);
    writeEvent(io, {
      type: "config",
      path: choice.path,
      source: choice.source,
      target: config.target.path,
      namespace: config.target.namespace,
      warnings,
    });
    return 0;
  });
}
