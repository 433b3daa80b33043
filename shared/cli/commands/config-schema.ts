// doppel config schema: the JSON Schema of configuration files (for editors and IDE plug-ins).
import { configSchema } from "../../config/index.ts";
import { type Io, writeJson } from "../io.ts";

export function run(_input: unknown, io: Io): number {
  writeJson(io.stdout, configSchema);
  return 0;
}
