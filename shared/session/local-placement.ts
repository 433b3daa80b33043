// The placement of a local `pid/<N>` target: the agent is a root process on this machine next to the target.
import { existsSync } from "node:fs";
import { doppelError } from "../errors.ts";
import type { AgentPlacement } from "./agent-placement.ts";
import { startLocalAgent } from "./local-agent.ts";

/** Checks root and the target process at once, so a session that cannot work fails before anything starts. */
export function localAgentPlacement(target: string, pid: number): AgentPlacement {
  if (process.platform !== "linux" || process.getuid?.() !== 0) throw doppelError.sessionNeedsRoot(target);
  if (!existsSync(`/proc/${pid}`)) throw doppelError.sessionTargetNotFound(target, pid);
  return {
    description: `next to pid ${pid}`,
    async place(session, options) {
      let agent: Awaited<ReturnType<typeof startLocalAgent>>;
      try {
        agent = await startLocalAgent({
          pid,
          tokenFile: session.tokenFile,
          sessionId: session.id,
          startTimeoutMs: options.startupTimeoutMs,
          communicationTimeoutS: options.communicationTimeoutS,
          signal: options.signal,
        });
      } catch (error) {
        throw doppelError.sessionAgentFailed((error as Error).message);
      }
      return {
        host: agent.host,
        port: agent.port,
        where: `next to pid ${pid}`,
        transportError: () => undefined,
        stop: () => agent.stop(),
      };
    },
  };
}
