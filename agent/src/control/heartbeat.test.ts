// Heartbeats (PROTOCOL.md §13) of an in-process agent with short intervals: an idle agent pings, a client that
// stays silent is dropped, and the agent then waits for the communication timeout before it exits.
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { Agent } from "../agent.ts";
import { AgentClient } from "../testing/agent-client.ts";

const networker = fileURLToPath(new URL("../netns/networker.ts", import.meta.url));

describe("heartbeats", () => {
  let target: ChildProcess;
  let agent: Agent;
  const log: string[] = [];

  before(async () => {
    target = spawn("sleep", ["600"], { stdio: "ignore" });
    agent = await Agent.start({
      pid: target.pid as number,
      listenHost: "127.0.0.1",
      listenPort: 0,
      token: "heartbeat-token",
      session: `hb${randomBytes(3).toString("hex")}`,
      communicationTimeoutMs: 1500,
      workerCommand: [process.execPath, "--import", "tsx", networker],
      heartbeatMs: 100,
      deadAfterMs: 600,
      log: (line) => log.push(line),
    });
  });
  after(async () => {
    await agent?.shutdown("test over");
    target.kill("SIGKILL");
  });

  test("a client that answers PINGs stays connected", async () => {
    const client = await AgentClient.connect(agent.address);
    assert.equal((await client.hello("heartbeat-token")).type, "HELLO_OK");
    await client.waitFor(
      (events) => (events.filter((e) => e.type === "PING").length >= 10 ? true : undefined),
      5000,
      "ten PINGs",
    );
    assert.equal(client.closed, false);
    client.close();
  });

  test("a silent client is dropped; with nobody left the agent exits after the communication timeout", async () => {
    const client = await AgentClient.connect(agent.address);
    client.answerPings = false;
    assert.equal((await client.hello("heartbeat-token")).type, "HELLO_OK");
    await client.waitFor((events) => events.find((e) => e.type === "PING"), 5000, "a PING");
    await client.waitFor(() => (client.closed ? true : undefined), 5000, "the agent to drop the silent client");
    assert.match(await agent.done, /no client connected for the communication timeout/);
  });
});
