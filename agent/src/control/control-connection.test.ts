// The HELLO gate of a real agent process: nothing is answered before a HELLO with the right token.
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { after, before, describe, test } from "node:test";
import { AgentClient } from "../testing/agent-client.ts";
import { type RunningAgent, runAgent } from "../testing/run-agent.ts";
import { tokensMatch } from "./control-connection.ts";

const EACCES = 13;
const EPROTO = 71;

describe("control connection authentication", () => {
  let target: ChildProcess;
  let agent: RunningAgent;

  before(async () => {
    target = spawn("sleep", ["600"], { stdio: "ignore" });
    agent = await runAgent(target.pid as number);
  });
  after(async () => {
    agent?.child.kill("SIGTERM");
    await agent?.exited;
    target.kill("SIGKILL");
  });

  test("tokensMatch compares whole secrets of any length", () => {
    assert.equal(tokensMatch("abc", "abc"), true);
    assert.equal(tokensMatch("abc", "abd"), false);
    assert.equal(tokensMatch("abc", "abcd"), false);
    assert.equal(tokensMatch("abc", ""), false);
  });

  test("a wrong token is refused with EACCES and the connection is closed", async () => {
    const client = await AgentClient.connect(agent.address);
    const reply = await client.hello("not-the-token");
    assert.equal(reply.type, "ERROR");
    assert.equal(reply.type === "ERROR" && reply.body.errnum, EACCES);
    await client.waitFor(() => (client.closed ? true : undefined), 5000, "the agent to close the connection");
  });

  test("a request before HELLO (no token at all) is refused with EPROTO and not answered", async () => {
    const client = await AgentClient.connect(agent.address);
    const reply = await client.request("ENV_GET", { include: [], exclude: [] });
    assert.equal(reply.type, "ERROR");
    assert.equal(reply.type === "ERROR" && reply.body.errnum, EPROTO);
    await client.waitFor(() => (client.closed ? true : undefined), 5000, "the agent to close the connection");
    assert.equal(client.events.filter((e) => e.type === "ENV_VARS").length, 0);
  });

  test("frames sent right behind a wrong HELLO are never answered", async () => {
    const client = await AgentClient.connect(agent.address);
    const hello = client.hello("wrong");
    const env = client.request("ENV_GET", { include: [], exclude: [] }).then(
      (frame) => frame.type,
      () => "closed",
    );
    assert.equal((await hello).type, "ERROR");
    assert.equal(await env, "closed");
  });

  test("garbage and truncated frames close that connection with EPROTO; the agent keeps serving others", async () => {
    const garbage = await AgentClient.connect(agent.address);
    garbage.socket.write(Buffer.from("GET / HTTP/1.1\r\nHost: x\r\n\r\n"));
    const fatal = await garbage.waitFor((events) => events.find((e) => e.type === "ERROR"), 5000, "ERROR");
    assert.equal(fatal.type === "ERROR" && fatal.body.errnum, EPROTO);
    await garbage.waitFor(() => (garbage.closed ? true : undefined), 5000, "the agent to close the connection");

    const truncated = await AgentClient.connect(agent.address);
    assert.equal((await truncated.hello(agent.token)).type, "HELLO_OK");
    // A FILE_OPEN whose path length points past the end of the frame.
    const frame = Buffer.from("0000001a0200000000070000000000000000000000000000000000ff", "hex");
    frame.writeUInt32BE(frame.length - 4, 0);
    truncated.socket.write(frame);
    const error = await truncated.waitFor((events) => events.find((e) => e.type === "ERROR"), 5000, "ERROR");
    assert.equal(error.type === "ERROR" && error.body.errnum, EPROTO);
    await truncated.waitFor(() => (truncated.closed ? true : undefined), 5000, "the agent to close the connection");

    const healthy = await AgentClient.connect(agent.address);
    assert.equal((await healthy.hello(agent.token)).type, "HELLO_OK");
    healthy.close();
  });

  test("before HELLO, a frame larger than a HELLO needs is refused as soon as its length arrives", async () => {
    const client = await AgentClient.connect(agent.address);
    const header = Buffer.alloc(10);
    header.writeUInt32BE(6 + 100 * 1024, 0);
    header.writeUInt16BE(0x0001, 4);
    header.writeUInt32BE(1, 6);
    client.socket.write(header);
    const error = await client.waitFor((events) => events.find((e) => e.type === "ERROR"), 5000, "ERROR");
    assert.equal(error.type === "ERROR" && error.body.errnum, EPROTO);
    assert.match(error.type === "ERROR" ? error.body.message : "", /DPL_ERR_FRAME_TOO_LARGE/);
    await client.waitFor(() => (client.closed ? true : undefined), 5000, "the agent to close the connection");
  });

  test("the right token gets HELLO_OK, then requests are served", async () => {
    const client = await AgentClient.connect(agent.address);
    const reply = await client.hello(agent.token);
    assert.equal(reply.type, "HELLO_OK");
    assert.equal(reply.type === "HELLO_OK" && reply.body.role, 3);
    const pong = await client.call("PING", { nonce: 42n }, "PONG");
    assert.equal(pong.nonce, 42n);
    client.close();
  });
});
