// A cgroup2 directory per bed, and one below it per process group (DNS, service, each pod). Every process the bed
// starts joins its group before it execs, so `kill()` ends it and everything it forked — nothing escapes a test.
import { mkdir, readFile, rmdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { TestBedError, TestBedErrorCode } from "./errors.ts";
import { waitUntil } from "./wait.ts";

let cachedRoot: Promise<string> | undefined;

/** Mount point of the cgroup2 hierarchy (/sys/fs/cgroup, or /sys/fs/cgroup/unified on hybrid hosts). */
export function cgroup2Root(): Promise<string> {
  cachedRoot ??= readFile("/proc/self/mountinfo", "utf8").then((mountinfo) => {
    for (const line of mountinfo.split("\n")) {
      // mountinfo: ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTIONS [OPTIONAL…] - FSTYPE SOURCE SUPEROPTIONS
      const [left, right] = line.split(" - ");
      if (right?.startsWith("cgroup2 ")) {
        const mountPoint = left?.split(" ")[4];
        if (mountPoint) return mountPoint;
      }
    }
    throw new TestBedError(
      TestBedErrorCode.NotPermitted,
      "test bed: no cgroup2 hierarchy is mounted (looked in /proc/self/mountinfo); mount one with " +
        "`mount -t cgroup2 none /sys/fs/cgroup/unified` or run on a host with cgroup v2",
    );
  });
  return cachedRoot;
}

export class Cgroup {
  private constructor(readonly path: string) {}

  static async create(parentPath: string, name: string): Promise<Cgroup> {
    const path = join(parentPath, name);
    await mkdir(path);
    return new Cgroup(path);
  }

  /** Write a pid into this file to move that process into the group. */
  get procsFile(): string {
    return join(this.path, "cgroup.procs");
  }

  async child(name: string): Promise<Cgroup> {
    return Cgroup.create(this.path, name);
  }

  /** SIGKILLs every process in this leaf group, waits until they are gone, and removes the directory. */
  async destroy(): Promise<void> {
    await writeFile(join(this.path, "cgroup.kill"), "1");
    await waitUntil(
      async () =>
        (await readFile(join(this.path, "cgroup.events"), "utf8")).includes("populated 0") ? true : undefined,
      { what: `the processes of cgroup ${this.path} to exit after cgroup.kill`, timeoutMs: 5000 },
    );
    await rmdir(this.path);
  }
}
