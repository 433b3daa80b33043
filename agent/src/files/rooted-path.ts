// Resolves a path the way the target process would see it, inside its root directory (/proc/<pid>/root).
//
// The kernel resolves absolute symlinks and ".." of a path opened through /proc/<pid>/root against the *agent's*
// root, so a plain open could leave the target's filesystem. We walk the path one component at a time instead:
// "." is skipped, ".." never climbs above the root, and each symlink's target is spliced back into the remaining
// components (absolute targets restart at the target's root). At most MAX_SYMLINK_FOLLOWS links are followed, then
// ELOOP, like Linux. The result is a host path that is always under the root.
//
// Limitation: a process inside the target that swaps a directory for a symlink between our walk and the open can
// still race us (Node has no openat2(RESOLVE_IN_ROOT)); the walk defends against static hostile links.
import { lstat, readlink } from "node:fs/promises";
import { ErrnoError } from "../errno.ts";

export const MAX_SYMLINK_FOLLOWS = 40;

export interface ResolvedPath {
  /** Where the agent opens it: always `root` or below. */
  hostPath: string;
  /** The same file as the target names it, with every symlink and ".." resolved. */
  targetPath: string;
}

export interface ResolveOptions {
  /** Follow a symlink in the last component (open/stat) or leave it (lstat/readlink/unlink/rename). */
  followLast: boolean;
}

/**
 * Maps `path` (as the target sees it; relative paths are taken from the target's root) to a host path under
 * `root`. A missing last component is allowed so that open(O_CREAT), mkdir and rename can create it.
 */
export async function resolveInRoot(root: string, path: string, options: ResolveOptions): Promise<ResolvedPath> {
  if (path.includes("\0")) throw new ErrnoError("EINVAL", `path ${JSON.stringify(path)} contains a NUL byte`);
  const pending = splitComponents(path).reverse();
  const resolved: string[] = [];
  let follows = 0;
  while (pending.length > 0) {
    const component = pending.pop() as string;
    if (component === ".") continue;
    if (component === "..") {
      resolved.pop();
      continue;
    }
    const isLast = pending.length === 0;
    const hostPath = joinUnder(root, [...resolved, component]);
    let isLink = false;
    try {
      isLink = (await lstat(hostPath)).isSymbolicLink();
    } catch (error) {
      // A missing last component is normal (O_CREAT, mkdir, rename target): the syscall decides. A missing or
      // non-directory component in the middle fails here with the same errno Linux would give.
      if (!isLast) throw error;
      resolved.push(component);
      return result(root, resolved);
    }
    if (!isLink || (isLast && !options.followLast)) {
      resolved.push(component);
      continue;
    }
    follows += 1;
    if (follows > MAX_SYMLINK_FOLLOWS) throw new ErrnoError("ELOOP", `too many symbolic links resolving ${path}`);
    const target = await readlink(hostPath);
    if (target.startsWith("/")) resolved.length = 0;
    pending.push(...splitComponents(target).reverse());
  }
  return result(root, resolved);
}

function result(root: string, components: readonly string[]): ResolvedPath {
  return { hostPath: joinUnder(root, components), targetPath: `/${components.join("/")}` };
}

function splitComponents(path: string): string[] {
  return path.split("/").filter((part) => part.length > 0);
}

function joinUnder(root: string, components: readonly string[]): string {
  const base = root.endsWith("/") ? root.slice(0, -1) : root;
  return components.length === 0 ? base || "/" : `${base}/${components.join("/")}`;
}
