// Entry of the doppel agent (bundled to dist/agent.js). See README.md for what it does and why the network work
// runs in a separate worker process (dist/networker.js) started with nsenter.
import { fileURLToPath } from "node:url";
import { Agent } from "./agent.ts";
import { type AgentTarget, parseAgentArgs } from "./args.ts";
import { findContainerProcess } from "./container-process.ts";

const networker = fileURLToPath(new URL("./networker.js", import.meta.url));

/** The process whose namespaces, root and environment the agent serves. */
function targetPid(target: AgentTarget): number {
  if (target.kind === "pid") return target.pid;
  if (target.kind === "container") return findContainerProcess(target.containerId);
  return process.pid;
}

try {
  const args = parseAgentArgs(process.argv.slice(2));
  // The token stays with the agent: nsenter, nft and tcpdump do not inherit it.
  if (args.tokenVariable !== undefined) delete process.env[args.tokenVariable];
  const pid = targetPid(args.target);
  const agent = await Agent.start({
    ...args,
    pid,
    ownNamespace: args.target.kind === "targetless",
    // A targetless agent serves its own environment, which carried the token.
    hiddenVariables: args.target.kind === "targetless" && args.tokenVariable ? [args.tokenVariable] : [],
    workerCommand: [process.execPath, networker],
  });
  for (const signal of ["SIGTERM", "SIGINT"] as const)
    process.on(signal, () => void agent.shutdown(`received ${signal}`));
  process.stdout.write(`${JSON.stringify({ listening: agent.address, pid })}\n`);
  await agent.done;
  process.exit(0);
} catch (error) {
  process.stderr.write(`doppel agent: ${(error as Error).message}\n`);
  process.exit(1);
}
