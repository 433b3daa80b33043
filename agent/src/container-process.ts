// Finds the process of a container from its ID, as an agent with the node's PID namespace (hostPID) or the
// target's (an ephemeral container) sees it: every container runtime puts a container's processes into a cgroup
// named after the container ID, and /proc/<pid>/cgroup names that cgroup.
import { readdirSync, readFileSync } from "node:fs";
import { processStartTime } from "./target-process.ts";

/**
 * How runtimes name a container's cgroup (the last path component, or the path for the cgroupfs driver), each with
 * the container ID as its one capture group. A table so a new runtime is one row.
 */
export const CONTAINER_CGROUP_PATTERNS: readonly { runtime: string; pattern: RegExp }[] = [
  { runtime: "containerd (systemd driver)", pattern: /\/cri-containerd-([0-9a-f]{64})\.scope$/ },
  { runtime: "CRI-O (systemd driver)", pattern: /\/crio-([0-9a-f]{64})\.scope$/ },
  { runtime: "Docker (systemd driver)", pattern: /\/docker-([0-9a-f]{64})\.scope$/ },
  { runtime: "Podman", pattern: /\/libpod-([0-9a-f]{64})\.scope$/ },
  { runtime: "cgroupfs driver (kubepods/…/<id>)", pattern: /\/kubepods(?:[./][^/]*)*\/([0-9a-f]{64})$/ },
  { runtime: "Docker (cgroupfs driver)", pattern: /\/docker\/([0-9a-f]{64})$/ },
];

/** The container IDs named by the lines of a /proc/<pid>/cgroup file (`hierarchy:controllers:path`). */
export function containerIdsIn(cgroupFile: string): Set<string> {
  const ids = new Set<string>();
  for (const line of cgroupFile.split("\n")) {
    const path = line.slice(line.indexOf(":", line.indexOf(":") + 1) + 1);
    for (const { pattern } of CONTAINER_CGROUP_PATTERNS) {
      const match = pattern.exec(path);
      if (match) ids.add(match[1] as string);
    }
  }
  return ids;
}

function parentPid(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
  } catch {
    return undefined;
  }
}

/**
 * The container's main process: of the processes in its cgroup, the one whose parent is outside it (the runtime
 * started it), the oldest if several are. Matches the ID's prefix, so a short ID (12+ hex) works too.
 */
export function findContainerProcess(containerId: string, procRoot = "/proc"): number {
  const members: number[] = [];
  let scanned = 0;
  for (const entry of readdirSync(procRoot)) {
    if (!/^\d+$/.test(entry)) continue;
    scanned += 1;
    let cgroup: string;
    try {
      cgroup = readFileSync(`${procRoot}/${entry}/cgroup`, "utf8");
    } catch {
      continue; // exited while we looked
    }
    if ([...containerIdsIn(cgroup)].some((id) => id.startsWith(containerId))) members.push(Number(entry));
  }
  if (members.length === 0) {
    throw new Error(
      `no process of container ${containerId} in /proc/*/cgroup (${scanned} processes scanned); the agent needs the ` +
        "node's PID namespace (hostPID) or, as an ephemeral container, its target's; known cgroup layouts: " +
        CONTAINER_CGROUP_PATTERNS.map((row) => row.runtime).join(", "),
    );
  }
  const inside = new Set(members);
  const roots = members.filter((pid) => !inside.has(parentPid(pid) ?? -1));
  const candidates = roots.length > 0 ? roots : members;
  return candidates.reduce((oldest, pid) =>
    Number(processStartTime(pid) ?? Number.POSITIVE_INFINITY) <
    Number(processStartTime(oldest) ?? Number.POSITIVE_INFINITY)
      ? pid
      : oldest,
  );
}
