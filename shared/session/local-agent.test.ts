import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { after, before, test } from "node:test";
import { AgentLink } from "./agent-link.ts";
import { agentEntryPath, LocalAgentError, startLocalAgent } from "./local-agent.ts";
import { createSessionDir, type SessionDir } from "./session-dir.ts";

const agentBuilt = existsSync(agentEntryPath());
const asRoot = process.getuid?.() === 0;
const skip = !agentBuilt ? "the agent is not built (npm run build -w agent)" : !asRoot ? "the agent needs root" : false;

let target: ChildProcess;
let dir: SessionDir;
before(() => {
  target = spawn("sleep", ["600"]);
  dir = createSessionDir();
});
after(() => {
  target.kill();
  dir.remove();
});

test("the agent starts next to a process, reports where it listens, and accepts the session token", {
  skip,
}, async () => {
  const agent = await startLocalAgent({ pid: target.pid as number, tokenFile: dir.tokenFile, sessionId: "dpltest1" });
  try {
    assert.equal(agent.host, "127.0.0.1");
    const link = await AgentLink.connect({ host: agent.host, port: agent.port, token: dir.token, timeoutMs: 5000 });
    assert.match(link.software, /agent/);
    link.stop();
  } finally {
    await agent.stop();
  }
  assert.notEqual(agent.process.exitCode ?? agent.process.signalCode, null, "stop() waits for the agent to exit");
});

test("an agent that dies before it listens is an error carrying what it said", { skip }, async () => {
  await assert.rejects(
    startLocalAgent({ pid: 999_999_999, tokenFile: dir.tokenFile, sessionId: "dpltest2" }),
    (error) =>
      error instanceof LocalAgentError && /exited before it was ready/.test(error.message) && error.stderrTail !== "",
  );
});

test("aborting the start stops the agent", { skip }, async () => {
  const abort = new AbortController();
  const starting = startLocalAgent({
    pid: target.pid as number,
    tokenFile: dir.tokenFile,
    sessionId: "dpltest3",
    signal: abort.signal,
  });
  abort.abort();
  await assert.rejects(starting, /interrupted/);
});
