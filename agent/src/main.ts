// Entry of the doppel agent (bundled to dist/agent.js). See README.md for what it does and why the network work
// runs in a separate worker process (dist/networker.js) started with nsenter.
import { fileURLToPath } from "node:url";
import { Agent } from "./agent.ts";
import { parseAgentArgs } from "./args.ts";

const networker = fileURLToPath(new URL("./networker.js", import.meta.url));

try {
  const args = parseAgentArgs(process.argv.slice(2));
  const agent = await Agent.start({ ...args, workerCommand: [process.execPath, networker] });
  for (const signal of ["SIGTERM", "SIGINT"] as const)
    process.on(signal, () => void agent.shutdown(`received ${signal}`));
  process.stdout.write(`${JSON.stringify({ listening: agent.address })}\n`);
  await agent.done;
  process.exit(0);
} catch (error) {
  process.stderr.write(`doppel agent: ${(error as Error).message}\n`);
  process.exit(1);
}
