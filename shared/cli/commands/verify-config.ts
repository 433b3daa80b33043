// doppel verify-config [--ide] <path>: the resolved configuration or every problem, as JSON on stdout.
import { resolve } from "node:path";
import { loadConfig } from "../../config/index.ts";
import { ConfigError } from "../../errors.ts";
import type { CommandInput } from "../commands.ts";
import { type Io, writeJson } from "../io.ts";

export function run({ args: [path = ""], options }: CommandInput, io: Io): number {
  try {
    const { config, warnings } = loadConfig({ path: resolve(io.cwd, path), env: io.env, ide: options.ide === true });
    writeJson(io.stdout, { type: "Success", config, warnings });
    return 0;
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    const errors = error.errors.map(({ message, file, line, column, key }) => ({ message, file, line, column, key }));
    writeJson(io.stdout, { type: "Fail", errors });
    return 1;
  }
}
