// The agent against a real namespaced "pod" from the test bed (test/pod): files, env, DNS, outgoing TCP/UDP,
// steal (nft redirect) and mirror (tcpdump capture), and every way the agent can end. Root only.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import net from "node:net";
import { after, before, describe, test } from "node:test";
import { promisify } from "node:util";
import { createTestBed, type Pod, type TestBed } from "../../test/pod/index.ts";
import { NO_ADDRESS } from "./control/wire.ts";
import { AgentClient } from "./testing/agent-client.ts";
import { type RunningAgent, runAgent } from "./testing/run-agent.ts";

const run = promisify(execFile);
const podOnlyPath = "/etc/dpl-agent-only-in-pod.txt";
const podOnlyContent = "this file exists only inside the pod\n";
const bigFilePath = "/srv/dpl-big.bin";
const bigFile = Buffer.from(Array.from({ length: 3 * 1024 * 1024 + 17 }, (_, i) => (i * 7919) % 251));
const AF_INET = 2;
const O_WRONLY = 1;
const O_CREAT = 0o100;
const O_TRUNC = 0o1000;
const O_DIRECTORY = 0o200000;
const SEEK_END = 2;
const AT_REMOVEDIR = 0x200;
const SOCK_STREAM = 1;
const O_RDONLY = 0;
const ENOENT = 2;
const ELOOP = 40;
const EAI_NONAME = -2;
const STEAL = 2;
const MIRROR = 1;

async function curl(url: string): Promise<string> {
  const { stdout } = await run("curl", ["-s", "--max-time", "10", url]);
  return stdout;
}

async function nftTables(pod: Pod): Promise<string> {
  const { stdout } = await run("ip", ["netns", "exec", pod.netns, "nft", "list", "tables"]);
  return stdout;
}

async function nftRuleset(pod: Pod): Promise<string> {
  const { stdout } = await run("ip", ["netns", "exec", pod.netns, "nft", "list", "ruleset"]);
  return stdout;
}

async function waitUntil(what: string, check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function connectedClient(agent: RunningAgent): Promise<AgentClient> {
  const client = await AgentClient.connect(agent.address);
  const hello = await client.hello(agent.token);
  assert.equal(hello.type, "HELLO_OK");
  return client;
}

async function readWholeFile(client: AgentClient, path: string): Promise<string> {
  const { handle } = await client.call(
    "FILE_OPEN",
    { dir_handle: 0n, flags: O_RDONLY, mode: 0, path: Buffer.from(path) },
    "FILE_HANDLE",
  );
  const { data } = await client.call("FILE_READ", { handle, offset: -1n, max_len: 65536 }, "FILE_DATA");
  await client.call("FILE_CLOSE", { handle }, "OK");
  return Buffer.from(data).toString();
}

async function openError(client: AgentClient, path: string): Promise<number | undefined> {
  const reply = await client.request("FILE_OPEN", {
    dir_handle: 0n,
    flags: O_RDONLY,
    mode: 0,
    path: Buffer.from(path),
  });
  return reply.type === "ERROR" ? reply.body.errnum : undefined;
}

describe("agent on a pod", () => {
  let bed: TestBed;
  let pod: Pod;
  let agent: RunningAgent;
  let client: AgentClient;

  before(async () => {
    bed = await createTestBed();
    pod = await bed.pod({
      name: "web",
      env: { DPL_ONLY_IN_POD: "pod-secret", DPL_OTHER: "other", UNRELATED: "x" },
      files: { [podOnlyPath]: podOnlyContent, [bigFilePath]: bigFile },
    });
    // Hostile links, made by the pod itself: each would leave the pod's root if followed naively.
    await pod.exec([
      "sh",
      "-c",
      [
        "mkdir -p /tmp/dpl-links/deep/er",
        "ln -s /etc/resolv.conf /tmp/dpl-links/absolute",
        "ln -s ../../../../../../../../etc/resolv.conf /tmp/dpl-links/deep/er/relative",
        "ln -s /tmp/dpl-links/loop-b /tmp/dpl-links/loop-a",
        "ln -s /tmp/dpl-links/loop-a /tmp/dpl-links/loop-b",
        "ln -s / /tmp/dpl-links/root",
      ].join(" && "),
    ]);
    agent = await runAgent(pod.pid);
    client = await connectedClient(agent);
  });
  after(async () => {
    client?.close();
    agent?.child.kill("SIGKILL");
    await bed?.destroy();
  });

  describe("files", () => {
    test("reads a file that only the pod has", async () => {
      assert.equal(await readWholeFile(client, podOnlyPath), podOnlyContent);
    });

    test("stats it and lists it in its directory", async () => {
      const stats = await client.call(
        "FILE_STAT",
        { dir_handle: 0n, flags: 0, path: Buffer.from(podOnlyPath) },
        "FILE_STATS",
      );
      assert.equal(stats.size, BigInt(podOnlyContent.length));
      const { handle } = await client.call("DIR_OPEN", { dir_handle: 0n, path: Buffer.from("/etc") }, "FILE_HANDLE");
      const names: string[] = [];
      for (;;) {
        const { entries } = await client.call("DIR_READ", { handle, max_entries: 64 }, "DIR_ENTRIES");
        if (entries.length === 0) break;
        names.push(...entries.map((e) => Buffer.from(e.name).toString()));
      }
      assert.ok(names.includes("dpl-agent-only-in-pod.txt"));
      assert.ok(names.includes(".") && names.includes(".."));
    });

    test("a missing file is ENOENT", async () => {
      assert.equal(await openError(client, "/etc/dpl-no-such-file"), ENOENT);
    });

    test("absolute and ../ symlinks and .. paths stay inside the pod's root", async () => {
      const podResolvConf = await readWholeFile(client, "/etc/resolv.conf");
      assert.match(podResolvConf, /search default\.svc\.cluster\.local/);
      assert.equal(await readWholeFile(client, "/tmp/dpl-links/absolute"), podResolvConf);
      assert.equal(await readWholeFile(client, "/tmp/dpl-links/deep/er/relative"), podResolvConf);
      assert.equal(await readWholeFile(client, "/../../../../../../etc/resolv.conf"), podResolvConf);
      assert.equal(await readWholeFile(client, "/tmp/dpl-links/root/../../etc/resolv.conf"), podResolvConf);
      assert.equal(await readWholeFile(client, `/tmp/dpl-links/root/..${podOnlyPath}`), podOnlyContent);
    });

    test("a symlink loop is ELOOP", async () => {
      assert.equal(await openError(client, "/tmp/dpl-links/loop-a"), ELOOP);
    });

    test("large files come back whole in chunks of up to 1 MiB, and pread leaves the position alone", async () => {
      const { handle } = await client.call(
        "FILE_OPEN",
        { dir_handle: 0n, flags: O_RDONLY, mode: 0, path: Buffer.from(bigFilePath) },
        "FILE_HANDLE",
      );
      const middle = await client.call("FILE_READ", { handle, offset: 1_000_000n, max_len: 100 }, "FILE_DATA");
      assert.deepEqual(Buffer.from(middle.data), bigFile.subarray(1_000_000, 1_000_100));
      const chunks: Buffer[] = [];
      for (;;) {
        const { data } = await client.call("FILE_READ", { handle, offset: -1n, max_len: 4 * 1024 * 1024 }, "FILE_DATA");
        if (data.length === 0) break;
        assert.ok(data.length <= 1024 * 1024);
        chunks.push(Buffer.from(data));
      }
      assert.ok(Buffer.concat(chunks).equals(bigFile));
      assert.equal(chunks.length, 4);
      await client.call("FILE_CLOSE", { handle }, "OK");
    });

    test("writes: mkdir, create, write at the position and at an offset, seek, rename, unlink, rmdir", async () => {
      const at = (path: string) => ({ dir_handle: 0n, path: Buffer.from(path) });
      await client.call("FILE_MKDIR", { ...at("/tmp/dpl-written"), mode: 0o755 }, "OK");
      const { handle } = await client.call(
        "FILE_OPEN",
        { ...at("/tmp/dpl-written/draft"), flags: O_CREAT | O_WRONLY | O_TRUNC, mode: 0o644 },
        "FILE_HANDLE",
      );
      assert.equal(
        (await client.call("FILE_WRITE", { handle, offset: -1n, data: Buffer.from("hello ") }, "FILE_WRITTEN")).count,
        6,
      );
      await client.call("FILE_WRITE", { handle, offset: -1n, data: Buffer.from("world") }, "FILE_WRITTEN");
      await client.call("FILE_WRITE", { handle, offset: 0n, data: Buffer.from("H") }, "FILE_WRITTEN");
      assert.equal(
        (await client.call("FILE_SEEK", { handle, offset: 0n, whence: SEEK_END }, "FILE_POSITION")).offset,
        11n,
      );
      await client.call("FILE_CLOSE", { handle }, "OK");
      await client.call(
        "FILE_RENAME",
        {
          old_dir_handle: 0n,
          old_path: Buffer.from("/tmp/dpl-written/draft"),
          new_dir_handle: 0n,
          new_path: Buffer.from("/tmp/dpl-written/final"),
          flags: 0,
        },
        "OK",
      );
      assert.equal((await pod.exec(["cat", "/tmp/dpl-written/final"])).stdout, "Hello world");
      await client.call("FILE_UNLINK", { ...at("/tmp/dpl-written/final"), flags: 0 }, "OK");
      await client.call("FILE_UNLINK", { ...at("/tmp/dpl-written"), flags: AT_REMOVEDIR }, "OK");
      assert.equal(
        (await pod.exec(["sh", "-c", "test -e /tmp/dpl-written && echo there || echo gone"])).stdout,
        "gone\n",
      );
    });

    test("a relative path opens against a remote directory handle (openat), which cannot be climbed out of", async () => {
      const { handle: dir } = await client.call(
        "FILE_OPEN",
        { dir_handle: 0n, flags: O_RDONLY | O_DIRECTORY, mode: 0, path: Buffer.from("/etc") },
        "FILE_HANDLE",
      );
      const { handle } = await client.call(
        "FILE_OPEN",
        { dir_handle: dir, flags: O_RDONLY, mode: 0, path: Buffer.from("../../../etc/resolv.conf") },
        "FILE_HANDLE",
      );
      const { data } = await client.call("FILE_READ", { handle, offset: -1n, max_len: 4096 }, "FILE_DATA");
      assert.match(Buffer.from(data).toString(), /search default\.svc\.cluster\.local/);
      const stat = await client.call("FILE_STAT", { dir_handle: dir, flags: 0, path: Buffer.from("") }, "FILE_STATS");
      assert.equal(stat.mode & 0o170000, 0o040000);
      await client.call("FILE_CLOSE", { handle }, "OK");
      await client.call("FILE_CLOSE", { handle: dir }, "OK");
    });

    test("readlink returns the link text as stored", async () => {
      const { target } = await client.call(
        "FILE_READLINK",
        { dir_handle: 0n, path: Buffer.from("/tmp/dpl-links/absolute") },
        "FILE_LINK",
      );
      assert.equal(Buffer.from(target).toString(), "/etc/resolv.conf");
    });
  });

  test("env: the pod's variables, filtered by include and exclude wildcards", async () => {
    const { vars } = await client.call("ENV_GET", { include: ["DPL_*"], exclude: ["DPL_O?HER"] }, "ENV_VARS");
    assert.deepEqual(vars, [{ key: "DPL_ONLY_IN_POD", value: "pod-secret" }]);
  });

  describe("dns", () => {
    test("a short name resolves through the pod's search list and DNS server", async () => {
      const reply = await client.call(
        "DNS_GETADDRINFO",
        { host: "backend", service: "80", family: AF_INET, socktype: SOCK_STREAM, protocol: 0, flags: 0x2 },
        "DNS_ADDRINFO",
      );
      assert.equal(reply.status, 0);
      assert.deepEqual(
        reply.entries.map((e) => e.address),
        [{ family: 4, ip: bed.backend.ip, port: 80 }],
      );
      assert.equal(reply.entries[0]?.canonname, "backend.default.svc.cluster.local");
    });

    test("the pod's /etc/hosts answers first, forward and reverse", async () => {
      const forward = await client.call(
        "DNS_GETADDRINFO",
        { host: "web", service: "", family: AF_INET, socktype: SOCK_STREAM, protocol: 0, flags: 0 },
        "DNS_ADDRINFO",
      );
      assert.deepEqual(
        forward.entries.map((e) => e.address.ip),
        [pod.ip],
      );
      const reverse = await client.call(
        "DNS_GETNAMEINFO",
        { address: { family: 4, ip: pod.ip, port: 0 }, flags: 0 },
        "DNS_NAMEINFO",
      );
      assert.equal(reverse.host, "web");
    });

    test("a reverse lookup the hosts file cannot answer goes to DNS (PTR)", async () => {
      const reverse = await client.call(
        "DNS_GETNAMEINFO",
        { address: { family: 4, ip: bed.backend.ip, port: 80 }, flags: 0 },
        "DNS_NAMEINFO",
      );
      assert.equal(reverse.status, 0);
      assert.equal(reverse.host, bed.backend.dnsName);
    });

    test("unknown names fail with the same EAI status glibc gives inside the pod", async () => {
      for (const name of ["dpl-nowhere", "dpl-nowhere.default.svc.cluster.local."]) {
        const script = `import socket\ntry:\n  socket.getaddrinfo(${JSON.stringify(name)}, None)\n  print(0)\nexcept socket.gaierror as e:\n  print(e.errno)`;
        const glibc = Number((await pod.exec(["python3", "-c", script])).stdout.trim());
        const reply = await client.call(
          "DNS_GETADDRINFO",
          { host: name, service: "", family: 0, socktype: 0, protocol: 0, flags: 0 },
          "DNS_ADDRINFO",
        );
        assert.equal(reply.status, glibc, `status for ${name}`);
      }
      const absolute = await client.call(
        "DNS_GETADDRINFO",
        { host: "dpl-nowhere.default.svc.cluster.local.", service: "", family: 0, socktype: 0, protocol: 0, flags: 0 },
        "DNS_ADDRINFO",
      );
      assert.equal(absolute.status, EAI_NONAME);
    });
  });

  describe("outgoing", () => {
    test("TCP connects from the pod to a service only the pod can reach", async () => {
      const connected = await client.call(
        "NET_CONNECT",
        { protocol: 6, remote: { family: 4, ip: bed.backend.ip, port: 80 } },
        "NET_CONNECTED",
      );
      assert.equal(connected.local.ip, pod.ip);
      assert.deepEqual(connected.remote, { family: 4, ip: bed.backend.ip, port: 80 });
      const id = connected.conn_id;
      client.send("NET_DATA", 0, {
        conn_id: id,
        data: Buffer.from("GET /via-agent HTTP/1.0\r\nHost: backend\r\n\r\n"),
      });
      client.send("NET_SHUTDOWN", 0, { conn_id: id });
      await client.waitFor(
        (events) => events.some((e) => e.type === "NET_CLOSE" && e.body.conn_id === id),
        10_000,
        "the backend to close",
      );
      assert.match(client.dataOf(id).toString(), /pod backend: GET \/via-agent/);
    });

    test("a connected UDP socket exchanges datagrams from inside the pod", async () => {
      const connected = await client.call(
        "NET_CONNECT",
        { protocol: 17, remote: { family: 4, ip: pod.ip, port: 8080 } },
        "NET_CONNECTED",
      );
      assert.deepEqual(connected.remote, { family: 4, ip: pod.ip, port: 8080 });
      const id = connected.conn_id;
      client.send("NET_DATAGRAM", 0, { conn_id: id, peer: NO_ADDRESS, data: Buffer.from("ping over udp") });
      const reply = await client.waitFor(
        (events) => events.find((e) => e.type === "NET_DATAGRAM" && e.body.conn_id === id),
        10_000,
        "the UDP echo",
      );
      assert.equal(reply.type === "NET_DATAGRAM" && Buffer.from(reply.body.data).toString(), "web: ping over udp");
      client.send("NET_CLOSE", 0, { conn_id: id, errnum: 0 });
    });

    test("an unconnected UDP socket sends to a service only the pod can reach and hears the answer", async () => {
      const bound = await client.call(
        "NET_UDP_BIND",
        { local: { family: 4, ip: "0.0.0.0", port: 0 } },
        "NET_CONNECTED",
      );
      assert.ok(bound.local.port > 0);
      const id = bound.conn_id;
      const backend = { family: 4, ip: bed.backend.ip, port: 80 } as const;
      client.send("NET_DATAGRAM", 0, { conn_id: id, peer: backend, data: Buffer.from("hello backend") });
      const reply = await client.waitFor(
        (events) => events.find((e) => e.type === "NET_DATAGRAM" && e.body.conn_id === id),
        10_000,
        "the backend's UDP echo",
      );
      assert.equal(reply.type === "NET_DATAGRAM" && Buffer.from(reply.body.data).toString(), "backend: hello backend");
      client.send("NET_CLOSE", 0, { conn_id: id, errnum: 0 });
    });

    test("flow control: NET_PAUSE stops the download, NET_RESUME finishes it, and a slow reader makes the agent pause the upload", async () => {
      const total = 16 * 1024 * 1024;
      const script = [
        "const net = require('net');",
        "const held = [];",
        "net.createServer((s) => s.once('data', (first) => {",
        `  if (first[0] === 68) { s.end(Buffer.alloc(${total}, 120)); return; }`,
        "  if (first[0] === 82) { for (const release of held.splice(0)) release(); s.end('released'); return; }",
        "  let n = first.length - 1; s.pause();",
        "  held.push(() => { s.on('data', (d) => { n += d.length; }); s.on('end', () => s.end('received ' + n)); s.resume(); });",
        "})).listen(9000, () => console.log('ready'));",
      ].join("\n");
      const server = pod.spawn([process.execPath, "-e", script]);
      await new Promise((resolve) => server.stdout?.once("data", resolve));
      try {
        const remote = { family: 4, ip: pod.ip, port: 9000 } as const;
        const download = (await client.call("NET_CONNECT", { protocol: 6, remote }, "NET_CONNECTED")).conn_id;
        client.send("NET_PAUSE", 0, { conn_id: download });
        client.send("NET_DATA", 0, { conn_id: download, data: Buffer.from("D") });
        await new Promise((resolve) => setTimeout(resolve, 500));
        assert.ok(client.dataOf(download).length < total, "the agent kept reading although the session paused it");
        client.send("NET_RESUME", 0, { conn_id: download });
        // The server's FIN arrives as NET_SHUTDOWN; the socket stays half-open until the session closes its side.
        await client.waitFor(
          (events) => events.some((e) => e.type === "NET_SHUTDOWN" && e.body.conn_id === download),
          20_000,
          "the download",
        );
        client.send("NET_CLOSE", 0, { conn_id: download, errnum: 0 });
        const received = client.dataOf(download);
        assert.equal(received.length, total);
        assert.ok(received.every((byte) => byte === 120));

        // The upload behaves like a proxy: the server reads nothing until it is released, so the agent must pause
        // the upload once the socket buffers are full; after the release NET_RESUME lets it finish.
        const upload = (await client.call("NET_CONNECT", { protocol: 6, remote }, "NET_CONNECTED")).conn_id;
        const count = (type: string) =>
          client.events.filter((e) => e.type === type && "conn_id" in e.body && e.body.conn_id === upload).length;
        const chunk = Buffer.alloc(256 * 1024, 121);
        let uploaded = 0;
        const sendChunk = async () => {
          await new Promise((resolve) => setImmediate(resolve));
          client.send("NET_DATA", 0, { conn_id: upload, data: chunk });
          uploaded += chunk.length;
        };
        client.send("NET_DATA", 0, { conn_id: upload, data: Buffer.from("U") });
        while (count("NET_PAUSE") === 0) {
          assert.ok(uploaded < 256 * 1024 * 1024, "the agent never paused the upload although the server did not read");
          await sendChunk();
        }
        const release = (await client.call("NET_CONNECT", { protocol: 6, remote }, "NET_CONNECTED")).conn_id;
        client.send("NET_DATA", 0, { conn_id: release, data: Buffer.from("R") });
        for (let more = 0; more < 16; more++) {
          if (count("NET_PAUSE") > count("NET_RESUME")) {
            const resumes = count("NET_RESUME");
            await client.waitFor(() => (count("NET_RESUME") > resumes ? true : undefined), 20_000, "NET_RESUME");
          }
          await sendChunk();
        }
        client.send("NET_SHUTDOWN", 0, { conn_id: upload });
        assert.ok(count("NET_RESUME") >= 1, "the agent resumed the upload once the server read again");
        const closed = (events: typeof client.events) =>
          events.some((e) => e.type === "NET_CLOSE" && e.body.conn_id === upload) ? true : undefined;
        await client.waitFor(closed, 20_000, "the upload's answer");
        assert.equal(client.dataOf(upload).toString(), `received ${uploaded}`);
        client.send("NET_CLOSE", 0, { conn_id: release, errnum: 0 });
      } finally {
        server.kill();
      }
    });

    test("a refused connection is an errno", async () => {
      const reply = await client.request("NET_CONNECT", {
        protocol: 6,
        remote: { family: 4, ip: bed.backend.ip, port: 1 },
      });
      assert.equal(reply.type, "ERROR");
      assert.equal(reply.type === "ERROR" && reply.body.errnum, 111);
    });
  });

  describe("incoming", () => {
    test("steal: a request to the pod is answered by the session, and the redirect goes with the subscription", async () => {
      await client.call(
        "IN_SUBSCRIBE",
        { port: 8080, mode: STEAL, app: NO_ADDRESS, concurrent_steal: 0, mirror_percent: 100, http_filter: "" },
        "OK",
      );
      assert.match(await nftTables(pod), new RegExp(`doppel_${agent.session}`));
      const answer = curl(pod.url("/stolen"));
      const connection = await client.waitFor(
        (events) => events.find((e) => e.type === "IN_CONNECTION"),
        10_000,
        "IN_CONNECTION",
      );
      assert.equal(connection.type, "IN_CONNECTION");
      if (connection.type !== "IN_CONNECTION") return;
      const id = connection.body.conn_id;
      assert.equal(connection.body.port, 8080);
      assert.equal(connection.body.remote.ip, bed.hostIp);
      await client.waitFor(() => (client.dataOf(id).includes("\r\n\r\n") ? true : undefined), 10_000, "the request");
      assert.match(client.dataOf(id).toString(), /^GET \/stolen HTTP\/1\.1/);
      const body = "answered by the session";
      const response = `HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`;
      client.send("NET_DATA", 0, { conn_id: id, data: Buffer.from(response) });
      client.send("NET_CLOSE", 0, { conn_id: id, errnum: 0 });
      assert.equal(await answer, body);

      // From inside the pod, to its own port: stolen as well (the output hook).
      const inside = pod.exec(["curl", "-s", "--max-time", "10", "http://127.0.0.1:8080/from-inside"]);
      const second = await client.waitFor(
        (events) => events.filter((e) => e.type === "IN_CONNECTION")[1],
        10_000,
        "the second IN_CONNECTION",
      );
      if (second.type !== "IN_CONNECTION") return;
      await client.waitFor(
        () => (client.dataOf(second.body.conn_id).includes("\r\n\r\n") ? true : undefined),
        10_000,
        "the request",
      );
      assert.match(client.dataOf(second.body.conn_id).toString(), /^GET \/from-inside /);
      client.send("NET_DATA", 0, { conn_id: second.body.conn_id, data: Buffer.from(response) });
      client.send("NET_CLOSE", 0, { conn_id: second.body.conn_id, errnum: 0 });
      assert.equal((await inside).stdout, body);

      // The agent's own connection to the stolen port reaches the real app, not the session.
      const own = await client.call(
        "NET_CONNECT",
        { protocol: 6, remote: { family: 4, ip: pod.ip, port: 8080 } },
        "NET_CONNECTED",
      );
      client.send("NET_DATA", 0, { conn_id: own.conn_id, data: Buffer.from("GET /own HTTP/1.0\r\n\r\n") });
      await client.waitFor(
        (events) => events.some((e) => e.type === "NET_SHUTDOWN" && e.body.conn_id === own.conn_id),
        10_000,
        "the app's answer",
      );
      client.send("NET_CLOSE", 0, { conn_id: own.conn_id, errnum: 0 });
      assert.match(client.dataOf(own.conn_id).toString(), /pod web: GET \/own/);

      await client.call("IN_UNSUBSCRIBE", { port: 8080 }, "OK");
      assert.equal(await curl(pod.url("/after")), "pod web: GET /after\n");
    });

    test("steal: a client that half-closes after its request still gets the session's answer", async () => {
      client.events.length = 0;
      await client.call(
        "IN_SUBSCRIBE",
        { port: 8080, mode: STEAL, app: NO_ADDRESS, concurrent_steal: 0, mirror_percent: 100, http_filter: "" },
        "OK",
      );
      const answer = new Promise<string>((resolve, reject) => {
        const socket = net.connect({ host: pod.ip, port: 8080, allowHalfOpen: true }, () => socket.end("question"));
        let received = "";
        socket.on("data", (chunk) => {
          received += chunk;
        });
        socket.on("close", () => resolve(received));
        socket.on("error", reject);
      });
      const connection = await client.waitFor(
        (events) => events.find((e) => e.type === "IN_CONNECTION"),
        10_000,
        "IN_CONNECTION",
      );
      if (connection.type !== "IN_CONNECTION") return;
      const id = connection.body.conn_id;
      await client.waitFor(
        (events) => events.find((e) => e.type === "NET_SHUTDOWN" && e.body.conn_id === id),
        10_000,
        "the client's FIN",
      );
      assert.equal(client.dataOf(id).toString(), "question");
      client.send("NET_DATA", 0, { conn_id: id, data: Buffer.from("answer after the FIN") });
      client.send("NET_SHUTDOWN", 0, { conn_id: id });
      assert.equal(await answer, "answer after the FIN");
      await client.call("IN_UNSUBSCRIBE", { port: 8080 }, "OK");
    });

    test("mirror: the pod answers as always while the session sees the same request bytes", async () => {
      const before = await pod.stats();
      client.events.length = 0;
      await client.call(
        "IN_SUBSCRIBE",
        { port: 8080, mode: MIRROR, app: NO_ADDRESS, concurrent_steal: 0, mirror_percent: 100, http_filter: "" },
        "OK",
      );
      assert.equal(await curl(pod.url("/mirrored?x=1")), "pod web: GET /mirrored?x=1\n");
      const connection = await client.waitFor(
        (events) => events.find((e) => e.type === "IN_CONNECTION"),
        10_000,
        "IN_CONNECTION",
      );
      if (connection.type !== "IN_CONNECTION") return;
      const id = connection.body.conn_id;
      assert.equal(connection.body.remote.ip, bed.hostIp);
      assert.deepEqual(connection.body.local, { family: 4, ip: pod.ip, port: 8080 });
      await client.waitFor(
        (events) => events.some((e) => e.type === "NET_CLOSE" && e.body.conn_id === id),
        10_000,
        "the mirrored close",
      );
      assert.match(client.dataOf(id).toString(), /^GET \/mirrored\?x=1 HTTP\/1\.1\r\nHost: /);
      assert.equal((await pod.stats()).requests, before.requests + 1);
      await client.call("IN_UNSUBSCRIBE", { port: 8080 }, "OK");
    });
  });
});

describe("agent lifecycle on a pod", () => {
  let bed: TestBed;
  let pod: Pod;

  before(async () => {
    bed = await createTestBed();
    pod = await bed.pod({ name: "life" });
  });
  after(() => bed?.destroy());

  async function stealPort(agent: RunningAgent): Promise<AgentClient> {
    const client = await connectedClient(agent);
    await client.call(
      "IN_SUBSCRIBE",
      { port: 8080, mode: STEAL, app: NO_ADDRESS, concurrent_steal: 0, mirror_percent: 100, http_filter: "" },
      "OK",
    );
    assert.match(await nftTables(pod), new RegExp(`doppel_${agent.session}`));
    return client;
  }

  test("a second agent cannot steal a port another live session steals (EADDRINUSE)", async () => {
    const first = await runAgent(pod.pid);
    const second = await runAgent(pod.pid);
    try {
      await stealPort(first);
      const client = await connectedClient(second);
      const reply = await client.request("IN_SUBSCRIBE", {
        port: 8080,
        mode: STEAL,
        app: NO_ADDRESS,
        concurrent_steal: 0,
        mirror_percent: 100,
        http_filter: "",
      });
      assert.equal(reply.type, "ERROR");
      assert.equal(reply.type === "ERROR" && reply.body.errnum, 98);
      assert.match(reply.type === "ERROR" ? reply.body.message : "", new RegExp(`doppel_${first.session}`));
    } finally {
      first.child.kill("SIGTERM");
      second.child.kill("SIGTERM");
      await Promise.all([first.exited, second.exited]);
    }
  });

  test("when the session's connection ends, its steal ends with it; the agent waits for a reconnect", async () => {
    const agent = await runAgent(pod.pid);
    const client = await stealPort(agent);
    client.close();
    await waitUntil("the redirect to go", async () => !/tcp dport 8080/.test(await nftRuleset(pod)), 5000);
    assert.equal(await curl(pod.url("/back")), "pod life: GET /back\n");
    const again = await stealPort(agent);
    again.close();
    agent.child.kill("SIGTERM");
    assert.equal(await agent.exited, 0);
  });

  test("SIGTERM removes the redirect before the agent exits", async () => {
    const agent = await runAgent(pod.pid);
    await stealPort(agent);
    agent.child.kill("SIGTERM");
    assert.equal(await agent.exited, 0);
    assert.doesNotMatch(await nftTables(pod), /doppel_/);
    assert.equal(await curl(pod.url("/own")), "pod life: GET /own\n");
  });

  test("kill -9 of the agent: the supervisor removes the redirect within 2 s", async () => {
    const agent = await runAgent(pod.pid);
    await stealPort(agent);
    agent.child.kill("SIGKILL");
    await agent.exited;
    await waitUntil("the redirect to be removed", async () => !/doppel_/.test(await nftTables(pod)), 2000);
    assert.equal(await curl(pod.url("/again")), "pod life: GET /again\n");
  });

  test("kill -9 of the agent's whole process group (worker included): the supervisor still removes the redirect", async () => {
    const agent = await runAgent(pod.pid, { ownProcessGroup: true });
    await stealPort(agent);
    process.kill(-(agent.child.pid as number), "SIGKILL");
    await agent.exited;
    await waitUntil("the redirect to be removed", async () => !/doppel_/.test(await nftTables(pod)), 2000);
    assert.equal(await curl(pod.url("/group")), "pod life: GET /group\n");
  });

  test("a table left by a dead agent is swept when an agent starts", async () => {
    const stale = "doppel_dplstale";
    const script = `table inet ${stale} {\n comment "doppel agent pid=999999 start=1"\n chain prerouting { type nat hook prerouting priority dstnat; policy accept; tcp dport 8080 redirect to :1; }\n}\n`;
    await run("ip", ["netns", "exec", pod.netns, "sh", "-c", `printf '%s' '${script}' | nft -f -`]);
    assert.match(await nftTables(pod), new RegExp(stale));
    const agent = await runAgent(pod.pid);
    assert.doesNotMatch(await nftTables(pod), new RegExp(stale));
    assert.match(agent.stderr(), new RegExp(`removed stale doppel tables.*${stale}`));
    agent.child.kill("SIGTERM");
    await agent.exited;
  });

  test("without a client for the communication timeout the agent exits", async () => {
    const agent = await runAgent(pod.pid, { communicationTimeoutS: 1 });
    assert.equal(await agent.exited, 0);
    assert.match(agent.stderr(), /communication timeout/);
  });

  test("the target exiting ends the agent, which removes its rules", async () => {
    const agent = await runAgent(pod.pid);
    await stealPort(agent);
    await pod.kill("SIGKILL");
    assert.equal(await agent.exited, 0);
    assert.match(agent.stderr(), new RegExp(`target process ${pod.pid} exited`));
    assert.doesNotMatch(await nftTables(pod), /doppel_/);
  });
});
