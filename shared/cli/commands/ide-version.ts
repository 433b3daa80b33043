// doppel ide version: only the hello line, so an IDE can check the protocol before anything else.
import type { CommandInput } from "../commands.ts";
import { runIdeCommand } from "../ide-protocol.ts";
import type { Io } from "../io.ts";

export function run(_input: CommandInput, io: Io): Promise<number> {
  return runIdeCommand(io, () => 0);
}
