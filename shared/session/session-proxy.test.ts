import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { once } from "node:events";
import { statSync } from "node:fs";
import { connect, createServer, type Socket } from "node:net";
import { constants } from "node:os";
import { after, before, describe, test } from "node:test";
import type { Body, Frame } from "../protocol/index.ts";
import { AgentLink } from "./agent-link.ts";
import { readAheadBytes } from "./file-readahead.ts";
import { createSessionDir, type SessionDir } from "./session-dir.ts";
import { SessionProxy } from "./session-proxy.ts";
import { connectLayer, type FramedPeer, scriptedAgent } from "./testing/framed-peer.ts";

const { errno } = constants;

const layerConfig: Body<"LAYER_CONFIG"> = {
  fs_mode: 2,
  fs_read_write: [],
  fs_read_only: ["^/data/.*"],
  fs_local: [],
  fs_not_found: [],
  outgoing_tcp: true,
  outgoing_udp: true,
  outgoing_filter_mode: 0,
  outgoing_filter: [],
  dns_enabled: true,
  dns_filter_mode: 0,
  dns_filter: [],
  incoming_mode: 1,
  incoming_ports: [],
  incoming_ignore_ports: [],
  port_mapping: [],
  listen_ports: [],
  incoming_ignore_localhost: false,
  ignore_localhost: true,
  skip_processes: [],
  skip_build_tools: true,
  log_level: 2,
};

interface Session {
  dir: SessionDir;
  proxy: SessionProxy;
  agent: FramedPeer;
  logs: string[];
  stop(): Promise<void>;
}

async function startSession(): Promise<Session> {
  const dir = createSessionDir();
  const scripted = await scriptedAgent();
  const link = await AgentLink.connect({ host: "127.0.0.1", port: scripted.port, token: dir.token, timeoutMs: 5000 });
  const agent = await scripted.connection;
  const logs: string[] = [];
  const proxy = await SessionProxy.start({
    socketPath: dir.proxySocketPath,
    token: dir.token,
    link,
    layerConfig,
    incoming: { concurrentSteal: 0, mirrorPercent: 100 },
    log: (level, text) => logs.push(`${level} ${text}`),
  });
  return {
    dir,
    proxy,
    agent,
    logs,
    stop: async () => {
      await proxy.close();
      scripted.server.close();
      agent.socket.destroy();
      dir.remove();
    },
  };
}

function statsOfSize(size: number): Body<"FILE_STATS"> {
  const zero = { sec: 0n, nsec: 0 };
  return {
    mask: 0x7ff,
    dev: 1n,
    ino: 2n,
    mode: 0o100644,
    nlink: 1,
    uid: 0,
    gid: 0,
    rdev: 0n,
    size: BigInt(size),
    blksize: 4096,
    blocks: 1n,
    atime_sec: zero.sec,
    atime_nsec: zero.nsec,
    mtime_sec: zero.sec,
    mtime_nsec: zero.nsec,
    ctime_sec: zero.sec,
    ctime_nsec: zero.nsec,
    btime_sec: zero.sec,
    btime_nsec: zero.nsec,
  };
}

function readExactly(socket: Socket, length: number): Promise<Buffer> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let total = 0;
    const onData = (chunk: Buffer) => {
      chunks.push(chunk);
      total += chunk.length;
      if (total >= length) {
        socket.off("data", onData);
        resolve(Buffer.concat(chunks));
      }
    };
    socket.on("data", onData);
  });
}

describe("session proxy", () => {
  let session: Session;
  before(async () => {
    session = await startSession();
  });
  after(() => session.stop());

  test("a process with the session token gets HELLO_OK, then the LAYER_CONFIG built for it", async () => {
    const { peer, hello } = await connectLayer(session.dir.proxySocketPath, session.dir.token);
    assert.equal(hello.type, "HELLO_OK");
    const reply = await peer.request("LAYER_CONFIG_GET", {});
    assert.equal(reply.type, "LAYER_CONFIG");
    assert.deepEqual(reply.body, layerConfig);
    peer.socket.destroy();
  });

  test("a wrong token is refused with EACCES and the connection is closed", async () => {
    const { peer, hello } = await connectLayer(session.dir.proxySocketPath, "not-the-token");
    assert.equal(hello.type, "ERROR");
    assert.equal(hello.type === "ERROR" && hello.body.errnum, errno.EACCES);
    await peer.closed;
  });

  test("a malformed frame closes that connection with EPROTO; other processes keep working", async () => {
    const { peer: healthy } = await connectLayer(session.dir.proxySocketPath, session.dir.token);
    const { peer: broken } = await connectLayer(session.dir.proxySocketPath, session.dir.token);
    // length 6, type 0xBEEF (unknown), request id 1
    broken.socket.write(Buffer.from("00000006beef00000001", "hex"));
    const error = await broken.nextOfType("ERROR");
    assert.equal(error.body.errnum, errno.EPROTO);
    assert.match(error.body.message, /DPL_ERR_UNKNOWN_TYPE/);
    await broken.closed;
    const reply = await healthy.request("LAYER_CONFIG_GET", {});
    assert.equal(reply.type, "LAYER_CONFIG");
    healthy.socket.destroy();
  });

  test("the session directory is 0700, the socket 0600, and another local user cannot connect", () => {
    assert.equal(statSync(session.dir.path).mode & 0o777, 0o700);
    assert.equal(statSync(session.dir.proxySocketPath).mode & 0o777, 0o600);
    const script = `require("net").connect(${JSON.stringify(session.dir.proxySocketPath)}).on("error", (e) => { console.log(e.code); }).on("connect", () => { console.log("connected"); process.exit(); })`;
    const asNobody = spawnSync(
      "setpriv",
      ["--reuid=nobody", "--regid=nogroup", "--clear-groups", process.execPath, "-e", script],
      {
        encoding: "utf8",
      },
    );
    assert.equal(asNobody.stdout.trim(), "EACCES", asNobody.stderr);
  });

  test("file and DNS requests reach the agent under the proxy's ids and answers come back under the layer's", async () => {
    const { peer } = await connectLayer(session.dir.proxySocketPath, session.dir.token);
    const pending = peer.request("FILE_STAT", { dir_handle: 0n, flags: 0, path: Buffer.from("/etc/hostname") });
    const relayed = await session.agent.nextOfType("FILE_STAT");
    assert.equal(Buffer.from(relayed.body.path).toString(), "/etc/hostname");
    session.agent.send("ERROR", { errnum: errno.ENOENT, message: "no such file in the pod" }, relayed.requestId);
    const reply = await pending;
    assert.equal(reply.type, "ERROR");
    assert.equal(reply.type === "ERROR" && reply.body.errnum, errno.ENOENT);
    peer.socket.destroy();
  });

  test("a read-only remote file is prefetched and read ahead: a byte-at-a-time reader costs one agent read per block", async () => {
    const { peer } = await connectLayer(session.dir.proxySocketPath, session.dir.token);
    const content = Buffer.from("hello from the pod\n");
    const opened = peer.request("FILE_OPEN", { dir_handle: 0n, flags: 0, mode: 0, path: Buffer.from("/data/x") });
    const open = await session.agent.nextOfType("FILE_OPEN");
    session.agent.send("FILE_HANDLE", { handle: 7n }, open.requestId);
    assert.equal((await opened).type, "FILE_HANDLE");

    // Opening prefetched the attributes: two fstats in a row cost the agent one FILE_STAT.
    const prefetchedStat = await session.agent.nextOfType("FILE_STAT");
    assert.deepEqual(prefetchedStat.body, { dir_handle: 7n, flags: 0, path: Buffer.alloc(0) });
    session.agent.send("FILE_STATS", statsOfSize(content.length), prefetchedStat.requestId);
    for (let i = 0; i < 2; i++) {
      const stat = await peer.request("FILE_STAT", { dir_handle: 7n, flags: 0, path: new Uint8Array() });
      assert.equal(stat.type === "FILE_STATS" && stat.body.size, BigInt(content.length));
    }
    assert.equal(session.agent.frames.filter((f) => f.type === "FILE_STAT").length, 0);

    const serveReads = async () => {
      const read = await session.agent.nextOfType("FILE_READ");
      assert.equal(read.body.offset, 0n, "the proxy reads at its own position (pread)");
      assert.equal(read.body.max_len, readAheadBytes);
      session.agent.send("FILE_DATA", { data: content }, read.requestId);
    };
    const served = serveReads();
    const bytes: number[] = [];
    for (;;) {
      const reply = await peer.request("FILE_READ", { handle: 7n, offset: -1n, max_len: 1 });
      assert.equal(reply.type, "FILE_DATA");
      if (reply.type !== "FILE_DATA" || reply.body.data.length === 0) break;
      bytes.push(...reply.body.data);
    }
    await served;
    assert.equal(Buffer.from(bytes).toString(), content.toString());
    const position = await peer.request("FILE_SEEK", { handle: 7n, offset: 0n, whence: 1 });
    assert.deepEqual(position.body, { offset: BigInt(content.length) });
    assert.equal(session.agent.frames.filter((f) => f.type === "FILE_READ").length, 0);
    const closed = await peer.request("FILE_CLOSE", { handle: 7n });
    assert.equal(closed.type, "OK", "a read-only file is closed without waiting for the agent");
    const close = await session.agent.nextOfType("FILE_CLOSE");
    assert.equal(close.body.handle, 7n, "the agent still closes its handle");
    session.agent.send("OK", {}, close.requestId);
    peer.socket.destroy();
  });

  test("outgoing: the stand-in carries bytes both ways, including data the remote side sends first", async () => {
    const { peer } = await connectLayer(session.dir.proxySocketPath, session.dir.token);
    const remote = { family: 4 as const, ip: "10.99.0.5", port: 5432 };
    const connecting = peer.request("NET_CONNECT", { protocol: 6, remote });
    const request = await session.agent.nextOfType("NET_CONNECT");
    assert.deepEqual(request.body.remote, remote);
    session.agent.send(
      "NET_CONNECTED",
      {
        conn_id: 41,
        local: { family: 4, ip: "10.99.0.2", port: 40000 },
        remote,
        standin: { family: 0, ip: "", port: 0 },
      },
      request.requestId,
    );
    session.agent.send("NET_DATA", { conn_id: 41, data: Buffer.from("banner\n") });
    const connected = await connecting;
    assert.equal(connected.type, "NET_CONNECTED");
    if (connected.type !== "NET_CONNECTED") return;
    assert.equal(connected.body.conn_id, 41);
    assert.equal(connected.body.standin.ip, "127.0.0.1");

    const app = connect({ host: connected.body.standin.ip, port: connected.body.standin.port });
    assert.equal((await readExactly(app, 7)).toString(), "banner\n");
    app.write("query");
    const data = await session.agent.nextOfType("NET_DATA");
    assert.deepEqual(data.body, { conn_id: 41, data: Buffer.from("query") });
    app.end();
    assert.equal((await session.agent.nextOfType("NET_SHUTDOWN")).body.conn_id, 41);
    session.agent.send("NET_CLOSE", { conn_id: 41, errnum: 0 });
    await once(app, "close");
    peer.socket.destroy();
  });

  test("outgoing backpressure: a slow app pauses the remote side; draining resumes it", async () => {
    const { peer } = await connectLayer(session.dir.proxySocketPath, session.dir.token);
    const remote = { family: 4 as const, ip: "10.99.0.6", port: 9 };
    const connecting = peer.request("NET_CONNECT", { protocol: 6, remote });
    const request = await session.agent.nextOfType("NET_CONNECT");
    session.agent.send("NET_CONNECTED", { conn_id: 42, local: remote, remote, standin: remote }, request.requestId);
    const connected = await connecting;
    if (connected.type !== "NET_CONNECTED") assert.fail(`got ${connected.type}`);
    const app = connect({ host: "127.0.0.1", port: connected.body.standin.port });
    await once(app, "connect");
    app.pause();
    const payload = randomBytes(8 * 1024 * 1024);
    const total = payload.length;
    for (let sent = 0; sent < total; sent += 512 * 1024) {
      session.agent.send("NET_DATA", { conn_id: 42, data: payload.subarray(sent, sent + 512 * 1024) });
    }
    assert.equal((await session.agent.nextOfType("NET_PAUSE")).body.conn_id, 42);
    const received = readExactly(app, total);
    app.resume();
    assert.ok((await received).equals(payload), "every byte arrives, in order");
    assert.equal((await session.agent.nextOfType("NET_RESUME")).body.conn_id, 42);
    app.resetAndDestroy();
    const closed = await session.agent.nextOfType("NET_CLOSE");
    assert.deepEqual(closed.body, { conn_id: 42, errnum: errno.ECONNRESET }, "a reset by the app is passed on as one");
    peer.socket.destroy();
  });

  test("outgoing bulk from the app reaches the agent whole and in order", async () => {
    const { peer } = await connectLayer(session.dir.proxySocketPath, session.dir.token);
    const remote = { family: 4 as const, ip: "10.99.0.7", port: 9 };
    const connecting = peer.request("NET_CONNECT", { protocol: 6, remote });
    const request = await session.agent.nextOfType("NET_CONNECT");
    session.agent.send("NET_CONNECTED", { conn_id: 45, local: remote, remote, standin: remote }, request.requestId);
    const connected = await connecting;
    if (connected.type !== "NET_CONNECTED") assert.fail(`got ${connected.type}`);
    const app = connect({ host: "127.0.0.1", port: connected.body.standin.port });
    const payload = randomBytes(8 * 1024 * 1024);
    app.end(payload);
    const parts: Buffer[] = [];
    for (let received = 0; received < payload.length; ) {
      const data = await session.agent.next((f) => f.type === "NET_DATA" && f.body.conn_id === 45);
      if (data.type !== "NET_DATA") break;
      parts.push(Buffer.from(data.body.data));
      received += data.body.data.length;
    }
    assert.ok(Buffer.concat(parts).equals(payload));
    assert.equal((await session.agent.nextOfType("NET_SHUTDOWN")).body.conn_id, 45);
    session.agent.send("NET_CLOSE", { conn_id: 45, errnum: 0 });
    await once(app, "close");
    peer.socket.destroy();
  });

  for (const mode of ["steal", "mirror"] as const) {
    test(`incoming ${mode}: the proxy connects to the app, the app learns the pod client, ${mode === "steal" ? "and answers it" : "and its answer is dropped"}`, async () => {
      const appServer = createServer({ allowHalfOpen: true });
      appServer.listen(0, "127.0.0.1");
      await once(appServer, "listening");
      const appPort = (appServer.address() as { port: number }).port;
      const { peer } = await connectLayer(session.dir.proxySocketPath, session.dir.token);
      const subscribing = peer.request("IN_SUBSCRIBE", {
        port: 80,
        mode: mode === "steal" ? 2 : 1,
        app: { family: 4, ip: "0.0.0.0", port: appPort },
        concurrent_steal: 0,
        mirror_percent: 100,
        http_filter: "",
      });
      const subscribe = await session.agent.nextOfType("IN_SUBSCRIBE");
      assert.equal(subscribe.body.port, 80);
      assert.deepEqual(subscribe.body.app, { family: 0, ip: "", port: 0 });
      session.agent.send("OK", {}, subscribe.requestId);
      assert.equal((await subscribing).type, "OK");

      const client = { family: 4 as const, ip: "10.99.0.77", port: 51000 };
      const podSide = { family: 4 as const, ip: "10.99.0.2", port: 80 };
      const accepted = once(appServer, "connection") as Promise<[Socket]>;
      const connId = mode === "steal" ? 43 : 44;
      session.agent.send("IN_CONNECTION", { conn_id: connId, port: 80, remote: client, local: podSide });
      session.agent.send("NET_DATA", { conn_id: connId, data: Buffer.from("GET / HTTP/1.0\r\n\r\n") });
      const [socket] = await accepted;
      const peerInfo = await peer.request("IN_PEER_GET", {
        proxy_side: { family: 4, ip: socket.remoteAddress ?? "", port: socket.remotePort ?? 0 },
      });
      assert.deepEqual(peerInfo.body, { remote: client, local: podSide });
      assert.equal((await readExactly(socket, 18)).toString(), "GET / HTTP/1.0\r\n\r\n");
      socket.end("HTTP/1.0 200 OK\r\n\r\nlocal");
      if (mode === "steal") {
        const response = await session.agent.nextOfType("NET_DATA");
        assert.equal(Buffer.from(response.body.data).toString(), "HTTP/1.0 200 OK\r\n\r\nlocal");
      }
      assert.equal((await session.agent.nextOfType("NET_SHUTDOWN")).body.conn_id, connId);
      session.agent.send("NET_CLOSE", { conn_id: connId, errnum: 0 });
      await once(socket, "close");
      assert.equal(
        session.agent.frames.some((f) => f.type === "NET_DATA" && f.body.conn_id === connId),
        false,
        "nothing of the app's answer reaches the pod in mirror mode",
      );
      const unsubscribing = peer.request("IN_UNSUBSCRIBE", { port: 80 });
      session.agent.send("OK", {}, (await session.agent.nextOfType("IN_UNSUBSCRIBE")).requestId);
      assert.equal((await unsubscribing).type, "OK");
      peer.socket.destroy();
      appServer.close();
    });
  }

  test("IN_PEER_GET for a connection the proxy did not open is ENOENT", async () => {
    const { peer } = await connectLayer(session.dir.proxySocketPath, session.dir.token);
    const reply = await peer.request("IN_PEER_GET", { proxy_side: { family: 4, ip: "127.0.0.1", port: 1 } });
    assert.equal(reply.type === "ERROR" && reply.body.errnum, errno.ENOENT);
    peer.socket.destroy();
  });
});

describe("session proxy without its agent", () => {
  test("a malformed frame from the agent ends the link with EPROTO and the proxy keeps answering", async () => {
    const session = await startSession();
    const { peer } = await connectLayer(session.dir.proxySocketPath, session.dir.token);
    // length 7 for a PING, whose payload needs 8 bytes: DPL_ERR_TRUNCATED
    session.agent.socket.write(Buffer.from("0000000700030000000001", "hex"));
    const error = await session.agent.nextOfType("ERROR");
    assert.equal(error.body.errnum, errno.EPROTO);
    assert.equal(error.requestId, 0, "a fatal connection error");
    await session.agent.closed;
    const dns = await peer.request("DNS_GETADDRINFO", {
      host: "db",
      service: "",
      family: 0,
      socktype: 1,
      protocol: 0,
      flags: 0,
    });
    assert.equal(dns.type === "ERROR" && dns.body.errnum, errno.ECONNRESET);
    assert.ok(session.logs.some((line) => line.includes("malformed frame")));
    await session.stop();
  });

  test("after the agent is gone, file requests fail with EIO and network requests with ECONNRESET", async () => {
    const session = await startSession();
    const { peer } = await connectLayer(session.dir.proxySocketPath, session.dir.token);
    const outstanding = peer.request("FILE_OPEN", { dir_handle: 0n, flags: 0, mode: 0, path: Buffer.from("/x") });
    await session.agent.nextOfType("FILE_OPEN");
    session.agent.socket.destroy();
    const failed: Frame = await outstanding;
    assert.equal(failed.type === "ERROR" && failed.body.errnum, errno.EIO);
    const connect = await peer.request("NET_CONNECT", { protocol: 6, remote: { family: 4, ip: "10.0.0.1", port: 80 } });
    assert.equal(connect.type === "ERROR" && connect.body.errnum, errno.ECONNRESET);
    const config = await peer.request("LAYER_CONFIG_GET", {});
    assert.equal(config.type, "LAYER_CONFIG", "the proxy itself keeps answering");
    assert.ok(session.logs.some((line) => line.includes("the agent closed the connection")));
    await session.stop();
  });
});
