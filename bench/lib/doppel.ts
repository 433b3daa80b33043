// Running a bench app plainly and under `doppel exec` (the built CLI, as a user runs it), each printing one JSON
// result line.
import { execFileSync } from "node:child_process";
import { type DoppelRun, doppelExec, type Line } from "../../test/e2e/doppel-run.ts";

/** `doppel exec -t pid/<pid> [doppelArgs…] -- argv…`, started from the built bundle. */
export function underDoppel(targetPid: number, argv: readonly string[], doppelArgs: readonly string[] = []): DoppelRun {
  return doppelExec(["-t", `pid/${targetPid}`, ...doppelArgs, "--", ...argv], {}, "built");
}

/** Runs argv under doppel to its end and returns the line it printed with `key`. */
export async function resultUnderDoppel(targetPid: number, argv: readonly string[], key: string): Promise<Line> {
  const run = underDoppel(targetPid, argv);
  const code = await run.exited;
  const line = run.lines.find((l) => key in l);
  if (code !== 0 || !line) {
    throw new Error(
      `doppel exec ${argv.join(" ")} exited ${code} without a "${key}" line; stdout: ${JSON.stringify(run.lines)}; stderr: ${run.stderr}`,
    );
  }
  return line;
}

/** Runs argv plainly and parses its last stdout line. */
export function resultDirect(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): Line {
  const [command, ...args] = argv as [string, ...string[]];
  const lines = execFileSync(command, args, { encoding: "utf8", env }).trim().split("\n");
  return JSON.parse(lines[lines.length - 1] as string) as Line;
}

/** A number a bench app reported, or an error naming the field and what was printed. */
export function numberIn(line: Line, key: string): number {
  const value = line[key];
  if (typeof value !== "number" || !Number.isFinite(value)) {
    throw new Error(`expected a number in "${key}" of ${JSON.stringify(line)}`);
  }
  return value;
}
