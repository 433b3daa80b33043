// A handle on the target's network namespace that outlives the target process: we keep /proc/<pid>/ns/net open
// and give children (nsenter for the worker, nft, tcpdump, the supervisor) the path of our own fd. So rules can
// still be removed after the target exited, and a recycled pid can never point us at someone else's namespace.
import { closeSync, openSync } from "node:fs";
import { ErrnoError } from "./errno.ts";

export class TargetNetns {
  readonly #fd: number;

  constructor(targetPid: number) {
    try {
      this.#fd = openSync(`/proc/${targetPid}/ns/net`, "r");
    } catch (error) {
      const code = (error as { code?: string }).code ?? "EIO";
      throw new ErrnoError(
        code,
        `cannot open the network namespace of pid ${targetPid} (/proc/${targetPid}/ns/net); is the pid right and is the agent root?`,
      );
    }
  }

  /** Path for `nsenter --net=<path>`. */
  get path(): string {
    return `/proc/${process.pid}/fd/${this.#fd}`;
  }

  close(): void {
    closeSync(this.#fd);
  }
}
