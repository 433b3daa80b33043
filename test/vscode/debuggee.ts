// What the UI tests check outside VS Code: the lines the debugged app (fixtures/app.mjs) writes, the
// `doppel ide start` processes of a workspace, and debuggees a killed code-server left behind.
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, readlinkSync } from "node:fs";

export type ResultLine = Record<string, unknown>;

export function readResults(file: string): ResultLine[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, "utf8")
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => JSON.parse(line) as ResultLine);
}

/**
 * The first line of `file` that matches (after `skip` earlier matches), waiting up to `timeoutMs` for the app to
 * write it; on a timeout `onTimeout` runs (a screenshot) before the error that shows what the file holds.
 */
export async function waitForResult(
  file: string,
  match: (line: ResultLine) => boolean,
  what: string,
  options: { skip?: number; timeoutMs?: number; onTimeout?: () => Promise<void> } = {},
): Promise<ResultLine> {
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  for (;;) {
    const found = readResults(file).filter(match)[options.skip ?? 0];
    if (found) return found;
    if (Date.now() > deadline) {
      await options.onTimeout?.();
      throw new Error(`no line for ${what} in ${file}: ${JSON.stringify(readResults(file))}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** pids of `doppel ide start` processes for the workspace. */
export function ideSessions(workspace: string): string[] {
  try {
    return execFileSync("pgrep", ["-f", `ide start --workspace ${workspace}`], { encoding: "utf8" })
      .split("\n")
      .filter(Boolean);
  } catch {
    return [];
  }
}

/** Waits until no `doppel ide start` runs for the workspace (a cluster session's teardown takes longest). */
export async function noIdeSessionLeft(workspace: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (ideSessions(workspace).length > 0) {
    if (Date.now() > deadline) throw new Error(`doppel ide start still runs: ${ideSessions(workspace).join(", ")}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** Kills programs debugged in the workspace that outlived VS Code (the debugger's children of a killed code-server). */
export function killDebuggees(workspace: string): void {
  for (const entry of readdirSync("/proc").filter((name) => /^\d+$/.test(name))) {
    try {
      if (readlinkSync(`/proc/${entry}/cwd`) === workspace) process.kill(Number(entry), "SIGKILL");
    } catch {
      // exited meanwhile, or not ours to read
    }
  }
}
