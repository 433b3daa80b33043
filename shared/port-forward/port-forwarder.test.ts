// The forwards against a real session proxy whose agent is scripted by the test (no root, no pod): what the
// proxy sends the agent for -L and -R connections, and what the local clients see.
import assert from "node:assert/strict";
import { once } from "node:events";
import { connect, createServer, type Socket } from "node:net";
import { constants } from "node:os";
import { after, before, describe, test } from "node:test";
import { loadConfig } from "../config/index.ts";
import { ErrorCode, isDoppelError } from "../errors.ts";
import { AgentLink } from "../session/agent-link.ts";
import { layerConfigOf } from "../session/layer-config.ts";
import { createSessionDir, type SessionDir } from "../session/session-dir.ts";
import { LogLevel, SessionProxy } from "../session/session-proxy.ts";
import { type FramedPeer, scriptedAgent } from "../session/testing/framed-peer.ts";
import { PortForwarder } from "./port-forwarder.ts";
import { parseForwardSpecs } from "./spec.ts";

const { errno } = constants;

let dir: SessionDir;
let proxy: SessionProxy;
let agent: FramedPeer;
let stopAgent: () => void;
const logs: string[] = [];
const log = (level: number, text: string) => logs.push(`${level} ${text}`);

before(async () => {
  dir = createSessionDir();
  const scripted = await scriptedAgent();
  const link = await AgentLink.connect({ host: "127.0.0.1", port: scripted.port, token: dir.token, timeoutMs: 5000 });
  agent = await scripted.connection;
  const { config } = loadConfig({ path: null, env: {} });
  proxy = await SessionProxy.start({
    socketPath: dir.proxySocketPath,
    token: dir.token,
    link,
    layerConfig: layerConfigOf(config, LogLevel.warning),
    incoming: { concurrentSteal: 1, mirrorPercent: 100, httpFilter: (port) => (port === 80 ? "FILTER" : "") },
    log,
  });
  stopAgent = () => {
    scripted.server.close();
    agent.socket.destroy();
  };
});

after(async () => {
  await proxy?.close();
  stopAgent?.();
  dir?.remove();
});

/** A port free right now. */
async function freePort(): Promise<number> {
  const server = createServer().listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, "close");
  return port;
}

function collect(socket: Socket): Promise<{ data: string; ended: boolean; error: string | undefined }> {
  let data = "";
  let ended = false;
  socket.setEncoding("utf8");
  socket.on("data", (chunk: string) => {
    data += chunk;
  });
  socket.on("end", () => {
    ended = true;
  });
  return new Promise((resolve) => {
    socket.on("error", (error: NodeJS.ErrnoException) => resolve({ data, ended, error: error.code }));
    socket.on("close", () => resolve({ data, ended, error: undefined }));
  });
}

describe("-L", () => {
  test("a connection made before the session is ready waits, then tries the name's addresses in order", async () => {
    const port = await freePort();
    const forwarder = await PortForwarder.bind(parseForwardSpecs([`${port}:db:5432`], []), log);
    try {
      const client = connect({ host: "127.0.0.1", port, allowHalfOpen: true });
      const outcome = collect(client);
      client.write("early bytes");
      await once(client, "connect");
      await forwarder.start(proxy);

      const lookup = await agent.nextOfType("DNS_GETADDRINFO");
      assert.equal(lookup.body.host, "db", "the name is resolved by the agent, as written");
      agent.send(
        "DNS_ADDRINFO",
        {
          status: 0,
          entries: ["10.0.0.1", "10.0.0.2"].map((ip) => ({
            socktype: 1,
            protocol: 6,
            address: { family: 4 as const, ip, port: 0 },
            canonname: "",
          })),
        },
        lookup.requestId,
      );
      const first = await agent.nextOfType("NET_CONNECT");
      assert.deepEqual(first.body, { protocol: 6, remote: { family: 4, ip: "10.0.0.1", port: 5432 } });
      agent.send(
        "ERROR",
        { errnum: errno.ECONNREFUSED, message: "connect ECONNREFUSED 10.0.0.1:5432" },
        first.requestId,
      );
      const second = await agent.nextOfType("NET_CONNECT");
      assert.deepEqual(second.body.remote, { family: 4, ip: "10.0.0.2", port: 5432 });
      const none = { family: 0 as const, ip: "", port: 0 };
      agent.send(
        "NET_CONNECTED",
        { conn_id: 7, local: none, remote: second.body.remote, standin: none },
        second.requestId,
      );

      const sent = await agent.nextOfType("NET_DATA");
      assert.deepEqual([sent.body.conn_id, Buffer.from(sent.body.data).toString()], [7, "early bytes"]);
      agent.send("NET_DATA", { conn_id: 7, data: Buffer.from("answer") });
      client.end();
      assert.equal((await agent.nextOfType("NET_SHUTDOWN")).body.conn_id, 7, "the client's FIN is passed on");
      agent.send("NET_SHUTDOWN", { conn_id: 7 });
      assert.deepEqual(await outcome, { data: "answer", ended: true, error: undefined });
      assert.equal((await agent.nextOfType("NET_CLOSE")).body.conn_id, 7);
    } finally {
      await forwarder.close();
    }
  });

  test("a name the target cannot resolve resets the client and says so", async () => {
    const port = await freePort();
    const forwarder = await PortForwarder.bind(parseForwardSpecs([`${port}:nowhere:80`], []), log);
    try {
      await forwarder.start(proxy);
      const client = connect({ host: "127.0.0.1", port });
      const outcome = collect(client);
      const lookup = await agent.nextOfType("DNS_GETADDRINFO");
      agent.send("DNS_ADDRINFO", { status: -2, entries: [] }, lookup.requestId);
      assert.deepEqual(await outcome, { data: "", ended: false, error: "ECONNRESET" });
      assert.ok(
        logs.some((line) => line.includes(`-L ${port}:nowhere:80`) && line.includes("no such name (EAI_NONAME)")),
        logs.join("\n"),
      );
    } finally {
      await forwarder.close();
    }
  });

  test("a busy port fails the whole set, naming it, and frees the ports already bound", async () => {
    const busy = createServer().listen(0, "127.0.0.1");
    await once(busy, "listening");
    const busyPort = (busy.address() as { port: number }).port;
    const freeOne = await freePort();
    try {
      await assert.rejects(
        PortForwarder.bind(parseForwardSpecs([`${freeOne}:a:1`, `${busyPort}:b:2`], []), log),
        (error: unknown) => {
          assert.ok(isDoppelError(error, ErrorCode.PortForwardPortInUse));
          assert.match(error.message, new RegExp(`127\\.0\\.0\\.1:${busyPort} for -L ${busyPort}:b:2`));
          return true;
        },
      );
      const again = createServer().listen(freeOne, "127.0.0.1");
      await once(again, "listening");
      again.close();
    } finally {
      busy.close();
    }
  });
});

describe("-R", () => {
  test("subscribes the target's port as a steal with the session's filter, and unsubscribes on close", async () => {
    const forwarder = await PortForwarder.bind(parseForwardSpecs([], ["80:3000"]), log);
    const started = forwarder.start(proxy);
    const subscribe = await agent.nextOfType("IN_SUBSCRIBE");
    assert.deepEqual(
      [subscribe.body.port, subscribe.body.mode, subscribe.body.concurrent_steal, subscribe.body.http_filter],
      [80, 2, 1, "FILTER"],
    );
    agent.send("OK", {}, subscribe.requestId);
    await started;
    assert.deepEqual(forwarder.describe(), [{ forward: "remote", spec: "80:3000", port: 80, to: "127.0.0.1:3000" }]);
    const closed = forwarder.close();
    const unsubscribe = await agent.nextOfType("IN_UNSUBSCRIBE");
    assert.equal(unsubscribe.body.port, 80);
    agent.send("OK", {}, unsubscribe.requestId);
    await closed;
  });

  test("a refused subscription is an error naming the argument, and earlier ones are given back", async () => {
    const forwarder = await PortForwarder.bind(parseForwardSpecs([], ["8080", "9090:3000"]), log);
    const started = forwarder.start(proxy);
    const first = await agent.nextOfType("IN_SUBSCRIBE");
    agent.send("OK", {}, first.requestId);
    const second = await agent.nextOfType("IN_SUBSCRIBE");
    agent.send("ERROR", { errnum: errno.EADDRINUSE, message: "port 9090 is already stolen" }, second.requestId);
    const givenBack = agent.nextOfType("IN_UNSUBSCRIBE").then((frame) => {
      agent.send("OK", {}, frame.requestId);
      return frame.body.port;
    });
    await assert.rejects(started, (error: unknown) => {
      assert.ok(isDoppelError(error, ErrorCode.PortForwardStealRefused));
      assert.match(error.message, /-R 9090:3000: the target refused to hand over its port 9090: port 9090 is already/);
      return true;
    });
    assert.equal(await givenBack, 8080);
  });
});
