// access(2) answered for the target process's credentials rather than the agent's (the agent is root, so the
// kernel would say yes to nearly everything). Mode bits only: ACLs and read-only mounts are not consulted.
import { readFile } from "node:fs/promises";
import { ErrnoError } from "../errno.ts";
import type { FileStat } from "./target-files.ts";

export interface Credentials {
  uid: number;
  gid: number;
  groups: number[];
}

export const R_OK = 4;
export const W_OK = 2;
export const X_OK = 1;
const S_IFMT = 0o170000;
const S_IFDIR = 0o040000;

/** The effective uid/gid and supplementary groups from /proc/<pid>/status. */
export async function readCredentials(pid: number): Promise<Credentials> {
  const status = await readFile(`/proc/${pid}/status`, "utf8");
  const field = (name: string) => (new RegExp(`^${name}:\\s*(.*)$`, "m").exec(status)?.[1] ?? "").trim().split(/\s+/);
  return {
    uid: Number(field("Uid")[1] ?? 0),
    gid: Number(field("Gid")[1] ?? 0),
    groups: field("Groups").filter(Boolean).map(Number),
  };
}

export function checkAccess(stat: FileStat, mode: number, who: Credentials): void {
  const wanted = mode & (R_OK | W_OK | X_OK);
  if (wanted === 0) return;
  if (who.uid === 0) {
    // root may read and write anything; it may execute only what has some execute bit (or is a directory).
    const anyExec = (stat.mode & 0o111) !== 0 || (stat.mode & S_IFMT) === S_IFDIR;
    if (!(wanted & X_OK) || anyExec) return;
  } else {
    const shift = stat.uid === who.uid ? 6 : stat.gid === who.gid || who.groups.includes(stat.gid) ? 3 : 0;
    if (((stat.mode >> shift) & 7 & wanted) === wanted) return;
  }
  throw new ErrnoError("EACCES", `access mode ${wanted} denied for uid ${who.uid}`);
}
