// A process and all its descendants as `ps` shows them, with the kernel function each one sleeps in (wchan), for
// reports of runs that hang. Used by the test runner's budget and by the e2e harness.
import { spawnSync } from "node:child_process";

/** Rows `pid ppid stat seconds wchan args` of `root` and every process below it. */
export function processTree(root) {
  const rows = spawnSync("ps", ["-e", "-o", "pid=,ppid=,stat=,etimes=,wchan:32=,args="], { encoding: "utf8" })
    .stdout.split("\n")
    .filter(Boolean)
    .map((line) => {
      const text = line.trim();
      const [pid, ppid] = text.split(/\s+/).map(Number);
      return { pid, ppid, text };
    });
  const tree = new Set([root]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const row of rows) {
      if (!tree.has(row.pid) && tree.has(row.ppid)) {
        tree.add(row.pid);
        grew = true;
      }
    }
  }
  return rows.filter((row) => tree.has(row.pid));
}

/** SIGKILL to each pid (a negative one: its process group); one already gone is skipped. */
export function killAll(pids) {
  for (const pid of pids) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // gone meanwhile
    }
  }
}
