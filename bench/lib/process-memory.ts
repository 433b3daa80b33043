// Memory of the processes a doppel session runs: the doppel process (CLI + session proxy), the agent, and the
// agent's network worker, found by walking /proc from the doppel process and read from /proc/<pid>/status.
import { readdirSync, readFileSync } from "node:fs";
import { rssLimitMb } from "./targets.ts";
import type { Row } from "./types.ts";

/** Short-lived helpers (nft, nsenter) may exit while we look: a vanished process reads as empty. */
function readProc(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return "";
  }
}

function children(pid: number): number[] {
  let tasks: string[];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return [];
  }
  return tasks.flatMap((task) => {
    const text = readProc(`/proc/${pid}/task/${task}/children`).trim();
    return text ? text.split(/\s+/).map(Number) : [];
  });
}

function descendants(pid: number): number[] {
  const all: number[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    const next = children(queue.shift() as number);
    all.push(...next);
    queue.push(...next);
  }
  return all;
}

function commandLine(pid: number): string {
  return readProc(`/proc/${pid}/cmdline`).replaceAll("\0", " ");
}

/** VmRSS and VmHWM (peak) of one process, in MB. */
export function memoryMb(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const field = (name: string) => {
    const match = new RegExp(`^${name}:\\s+(\\d+) kB`, "m").exec(status);
    if (!match) throw new Error(`/proc/${pid}/status has no ${name} line`);
    return Number(match[1]) / 1024;
  };
  return { rss: field("VmRSS"), peak: field("VmHWM") };
}

const sessionRoles = [
  { role: "doppel process (CLI + session proxy)", matches: (_cmd: string, isRoot: boolean) => isRoot },
  { role: "agent", matches: (cmd: string) => /agent\.js .*--pid/.test(cmd) },
  { role: "agent network worker", matches: (cmd: string) => cmd.includes("networker") },
] as const;

/**
 * One row per session process with its peak RSS (VmHWM) against the 80 MB target; call it while the load still
 * runs, so the current RSS in the note is a number under load.
 */
export function sessionMemoryRows(doppelPid: number, load: string): Row[] {
  const pids = [doppelPid, ...descendants(doppelPid)];
  return sessionRoles.map(({ role, matches }) => {
    const pid = pids.find((p) => matches(commandLine(p), p === doppelPid));
    if (pid === undefined) {
      throw new Error(`no ${role} among the processes of doppel pid ${doppelPid}: ${pids.map(commandLine).join("; ")}`);
    }
    const { rss, peak } = memoryMb(pid);
    return {
      metric: `${role} peak RSS, ${load}`,
      unit: "MB",
      direct: undefined,
      doppel: peak,
      target: rssLimitMb,
      note: `VmRSS ${rss.toFixed(1)} MB during ${load}`,
    };
  });
}
