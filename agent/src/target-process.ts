// Identity and liveness of a process: a pid alone can be reused, so it is paired with the process's start time
// (field 22 of /proc/<pid>/stat, in clock ticks since boot). A zombie (exited, not yet reaped) counts as gone.
import { readFileSync } from "node:fs";

/** Fields 3 (state) onwards of /proc/<pid>/stat, or undefined when there is no such process. */
function statFields(pid: number): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name (field 2) may contain spaces and parentheses; the fields after its closing ")" are fixed.
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  } catch {
    return undefined;
  }
}

export function processStartTime(pid: number): string | undefined {
  return statFields(pid)?.[19];
}

export function isSameProcessAlive(pid: number, startTime: string): boolean {
  const fields = statFields(pid);
  return fields !== undefined && fields[19] === startTime && fields[0] !== "Z" && fields[0] !== "X";
}

/**
 * Calls `onExit` once when `pid` (with the start time it has now) is gone. Node cannot wait on a process that is not
 * its child (no pidfd without native code), so this polls /proc/<pid>/stat.
 */
export function watchProcessExit(pid: number, onExit: () => void, intervalMs = 250): () => void {
  const startTime = processStartTime(pid);
  const timer = setInterval(() => {
    if (startTime !== undefined && isSameProcessAlive(pid, startTime)) return;
    clearInterval(timer);
    onExit();
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
