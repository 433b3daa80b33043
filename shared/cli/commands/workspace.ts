// The --workspace option shared by the config commands: an existing directory, the current one by default.
import { statSync } from "node:fs";
import { resolve } from "node:path";
import { doppelError } from "../../errors.ts";
import type { Io } from "../io.ts";

export function workspaceFrom(option: unknown, io: Io): string {
  const dir = resolve(io.cwd, typeof option === "string" ? option : ".");
  if (!statSync(dir, { throwIfNoEntry: false })?.isDirectory()) throw doppelError.workspaceNotFound(dir);
  return dir;
}
