// How a failure that reached the top of the CLI is shown, and with which exit code.
import { CommanderError } from "commander";
import { ConfigError, DoppelError, exitCodeOf, formatProblem } from "../errors.ts";
import type { Style } from "./io.ts";

export interface Failure {
  text: string;
  exitCode: number;
}

export function describeFailure(error: unknown, style: Style): Failure {
  // commander already printed its own message (usage error) or the help/version it was asked for.
  if (error instanceof CommanderError) return { text: "", exitCode: error.exitCode };
  if (error instanceof DoppelError) {
    const lines =
      error instanceof ConfigError
        ? [
            `${style.error("error:")} the configuration cannot be used`,
            ...error.errors.map((p) => `  ${formatProblem(p)}`),
          ]
        : [`${style.error("error:")} ${error.message}`];
    if (error.hint !== null) lines.push(`${style.dim("hint:")} ${error.hint}`);
    return { text: `${lines.join("\n")}\n`, exitCode: exitCodeOf(error) };
  }
  const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
  const text = `${style.error("internal error:")} ${detail}\nThis is a bug in doppel; please report it with the output above.\n`;
  return { text, exitCode: exitCodeOf(error) };
}
