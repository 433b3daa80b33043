// The rule supervisor: a tiny shell process, in its own session (setsid, so a kill of the agent's process group
// misses it), living in the target's network namespace. Its stdin is a pipe only the agent holds open. When the
// agent cleans up itself it writes "done" and the supervisor just exits; when the agent dies in any other way
// (kill -9, OOM, crash) the pipe reaches EOF at once and the supervisor deletes the session's nft table.
import { type ChildProcess, spawn } from "node:child_process";

const SCRIPT = 'read -r line; [ "$line" = done ] || exec nft delete table inet "$0"';

export class RuleSupervisor {
  readonly #child: ChildProcess;

  constructor(netnsPath: string, table: string) {
    this.#child = spawn("nsenter", [`--net=${netnsPath}`, "--", "sh", "-c", SCRIPT, table], {
      detached: true,
      stdio: ["pipe", "ignore", "ignore"],
    });
    this.#child.on("error", () => undefined);
    this.#child.unref();
    (this.#child.stdin as unknown as { unref?: () => void }).unref?.();
  }

  /** The agent removed its rules itself; the supervisor can leave without touching anything. */
  release(): void {
    this.#child.stdin?.end("done\n");
  }
}
