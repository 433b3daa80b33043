// Identity and liveness of a process: a pid alone can be reused, so it is paired with the process's start time
// (field 22 of /proc/<pid>/stat, in clock ticks since boot).
import { readFileSync } from "node:fs";

export function processStartTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name (field 2) may contain spaces and parentheses; the fields after its closing ")" are fixed.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return fields[19];
  } catch {
    return undefined;
  }
}

export function isSameProcessAlive(pid: number, startTime: string): boolean {
  return processStartTime(pid) === startTime;
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
