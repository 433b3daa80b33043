// Local `pid/<N>` targets worth offering in a picker: processes that live in a network namespace other than
// ours (containers, test-bed pods), one per namespace — its oldest process, which is what a pod's main process
// is. Named namespaces (`ip netns add`, under /run/netns) lend their name; otherwise the hostname seen from
// inside, or the command.
import { readdirSync, readFileSync, readlinkSync, statSync } from "node:fs";
import { basename } from "node:path";

export interface LocalProcessTarget {
  pid: number;
  /** The network namespace's name, the hostname inside, or the command's name. */
  name: string;
  /** The command line. */
  commandLine: string;
}

const NAMED_NETNS_DIR = "/run/netns";

function readOrNull<T>(read: () => T): T | null {
  try {
    return read();
  } catch {
    // The process exited while we looked, or it is not ours to read: it is simply not offered.
    return null;
  }
}

/** inode of each named network namespace → its name. */
function namedNamespaces(): Map<number, string> {
  const names = new Map<number, string>();
  for (const name of readOrNull(() => readdirSync(NAMED_NETNS_DIR)) ?? []) {
    const inode = readOrNull(() => statSync(`${NAMED_NETNS_DIR}/${name}`).ino);
    if (inode !== null) names.set(inode, name);
  }
  return names;
}

/** `net:[4026531840]` → 4026531840 */
function netnsInode(pid: number | "self"): number | null {
  const link = readOrNull(() => readlinkSync(`/proc/${pid}/ns/net`));
  const match = link?.match(/^net:\[(\d+)\]$/);
  return match ? Number(match[1]) : null;
}

function startTime(pid: number): number {
  // Field 22 of /proc/<pid>/stat; the command name (field 2) may contain spaces, so count after its ")".
  const stat = readOrNull(() => readFileSync(`/proc/${pid}/stat`, "utf8")) ?? "";
  return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19] ?? Number.MAX_SAFE_INTEGER);
}

export function listLocalProcessTargets(): LocalProcessTarget[] {
  const own = netnsInode("self");
  const oldest = new Map<number, { pid: number; started: number }>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    const inode = netnsInode(pid);
    if (inode === null || inode === own) continue;
    const started = startTime(pid);
    const current = oldest.get(inode);
    if (current === undefined || started < current.started || (started === current.started && pid < current.pid)) {
      oldest.set(inode, { pid, started });
    }
  }
  const names = namedNamespaces();
  const targets: LocalProcessTarget[] = [];
  for (const [inode, { pid }] of oldest) {
    const commandLine = readOrNull(() => readFileSync(`/proc/${pid}/cmdline`, "utf8"))
      ?.split("\0")
      .filter((word) => word !== "")
      .join(" ");
    if (!commandLine) continue; // kernel threads and processes that exited meanwhile
    const hostname = readOrNull(() => readFileSync(`/proc/${pid}/root/etc/hostname`, "utf8").trim());
    const name = names.get(inode) ?? (hostname || basename(commandLine.split(" ")[0] ?? String(pid)));
    targets.push({ pid, name, commandLine });
  }
  return targets.sort((a, b) => a.name.localeCompare(b.name) || a.pid - b.pid);
}
