// `doppel port-forward -t pid/<pod>` against a namespaced pod of the test bed (issue 4): -L connections leave from
// the pod to names only the pod resolves (curl, node http, several at once, bodies of several MiB with a slow
// reader, half-close, a refused port); -R hands the pod's incoming port to a local server until doppel stops;
// bad arguments and a busy local port fail before any agent starts. Root and Linux only.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { lookup } from "node:dns/promises";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import { connect, createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { createTestBed, type Pod, type TestBed } from "../pod/index.ts";
import { type DoppelRun, doppel, stopAllRuns } from "./doppel-run.ts";
import { buildPrerequisites } from "./prerequisites.ts";

const run = promisify(execFile);
const bulkServer = fileURLToPath(new URL("./apps/bulk-server.mjs", import.meta.url));
const bulkHttpPort = 7000;
const bulkTcpPort = 7001;
const readyTimeoutMs = 60_000;

let bed: TestBed;
let web: Pod;
let bulk: Pod;
let scratch: string;

before(async () => {
  buildPrerequisites();
  scratch = mkdtempSync(join(tmpdir(), "dpl-port-forward-"));
  bed = await createTestBed();
  web = await bed.pod({ name: "web" });
  bulk = await bed.pod({
    name: "bulk",
    command: [process.execPath, bulkServer, "--http", String(bulkHttpPort), "--tcp", String(bulkTcpPort)],
    port: bulkHttpPort,
  });
});

after(async () => {
  await stopAllRuns();
  await bed?.destroy();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

/** A port nothing listens on right now (the kernel picks it; doppel binds it a moment later). */
function freePort(): Promise<number> {
  const server = createServer();
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** `doppel port-forward -t pid/<web> ARGS --json`, resolved once it printed a line for each of `forwards`. */
async function portForward(args: string[], forwards: number): Promise<DoppelRun> {
  const forward = doppel(["port-forward", "-t", `pid/${web.pid}`, ...args, "--json"]);
  const ready = () => forward.lines.filter((line) => typeof line.forward === "string").length >= forwards;
  const exitedEarly = forward.exited.then((code) => {
    throw new Error(`doppel port-forward exited (${code}) before it was ready; stderr: ${forward.stderr}`);
  });
  await Promise.race([forward.line(ready, readyTimeoutMs), exitedEarly]);
  return forward;
}

/** One request on a fresh connection; resolves with the status and body. */
function request(
  url: string,
  options: { method?: string; body?: Buffer; headers?: Record<string, string> } = {},
): Promise<{ status: number; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      { method: options.method ?? "GET", headers: options.headers, agent: false, timeout: 30_000 },
      (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("end", () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks) }));
        response.on("error", reject);
      },
    );
    req.on("timeout", () => req.destroy(new Error(`no answer from ${url} within 30 s`)));
    req.on("error", reject);
    req.end(options.body);
  });
}

/** Resolves once `run`'s stderr matches, or fails after 20 s showing what it said. */
async function stderrMatching(forward: DoppelRun, pattern: RegExp): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!pattern.test(forward.stderr)) {
    if (Date.now() > deadline) throw new Error(`doppel never said ${pattern}; stderr: ${forward.stderr}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Connects to a local port and reports how the connection ended: the bytes received and the error, if any. */
function exchange(port: number, send: Buffer): Promise<{ received: string; error: string | undefined }> {
  return new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port, allowHalfOpen: true });
    let received = "";
    socket.setEncoding("utf8");
    socket.on("data", (chunk: string) => {
      received += chunk;
    });
    socket.on("connect", () => socket.end(send));
    socket.on("error", (error: NodeJS.ErrnoException) => resolve({ received, error: error.code }));
    socket.on("close", () => resolve({ received, error: undefined }));
  });
}

describe("-L: local ports to hosts the pod reaches, by names only the pod resolves", () => {
  let forward: DoppelRun;
  const ports = { backend: 0, bulkHttp: 0, bulkTcp: 0, refused: 0, unknown: 0 };

  before(async () => {
    for (const key of Object.keys(ports) as (keyof typeof ports)[]) ports[key] = await freePort();
    forward = await portForward(
      [
        // "backend" resolves only through the pod's search path (default.svc.cluster.local).
        "-L",
        `${ports.backend}:backend:80`,
        "-L",
        `${ports.bulkHttp}:${bulk.dnsName}:${bulkHttpPort}`,
        "-L",
        `${ports.bulkTcp}:${bulk.dnsName}:${bulkTcpPort}`,
        "-L",
        `${ports.refused}:backend:81`,
        "-L",
        `${ports.unknown}:no-such-service:80`,
      ],
      5,
    );
  });

  after(() => forward?.stop());

  test("prints one line per forward", () => {
    const lines = forward.lines.filter((line) => typeof line.forward === "string");
    assert.deepEqual(lines[0], {
      forward: "local",
      spec: `${ports.backend}:backend:80`,
      listen: `127.0.0.1:${ports.backend}`,
      to: "backend:80",
    });
    assert.equal(lines.length, 5);
  });

  test("the host cannot resolve the names", async () => {
    await assert.rejects(lookup(bed.backend.dnsName));
    await assert.rejects(lookup(bulk.dnsName));
  });

  test("curl reaches the backend", { timeout: 60_000 }, async () => {
    const { stdout } = await run("curl", ["-sS", "--max-time", "30", `http://127.0.0.1:${ports.backend}/by-curl`]);
    assert.equal(stdout, "pod backend: GET /by-curl\n");
  });

  test("node http: several connections at once", { timeout: 60_000 }, async () => {
    const paths = Array.from({ length: 8 }, (_, i) => `/concurrent-${i}`);
    const answers = await Promise.all(paths.map((path) => request(`http://127.0.0.1:${ports.backend}${path}`)));
    assert.deepEqual(
      answers.map((answer) => answer.body.toString()),
      paths.map((path) => `pod backend: GET ${path}\n`),
    );
  });

  test("a 12 MiB download to a reader slower than the link arrives intact", { timeout: 120_000 }, async () => {
    const total = 12 * 1024 * 1024;
    const file = join(scratch, "download");
    // --limit-rate makes curl a slow reader: the local socket backs up and the relay must pause the pod side.
    await run("curl", [
      "-sS",
      "--max-time",
      "100",
      "--limit-rate",
      "4M",
      "-o",
      file,
      `http://127.0.0.1:${ports.bulkHttp}/bytes/${total}`,
    ]);
    const bytes = readFileSync(file);
    assert.equal(bytes.length, total);
    const wrong = bytes.findIndex((byte, i) => byte !== i % 251);
    assert.equal(wrong, -1, `byte ${wrong} differs from the pattern`);
  });

  test("a 12 MiB upload arrives intact, while 3 downloads share the link", { timeout: 120_000 }, async () => {
    const body = randomBytes(12 * 1024 * 1024);
    const downloads = Array.from({ length: 3 }, () =>
      request(`http://127.0.0.1:${ports.bulkHttp}/bytes/${4 * 1024 * 1024}`),
    );
    const upload = await request(`http://127.0.0.1:${ports.bulkHttp}/sha256`, { method: "POST", body });
    assert.equal(upload.body.toString(), `${body.length} ${createHash("sha256").update(body).digest("hex")}`);
    for (const download of await Promise.all(downloads)) assert.equal(download.body.length, 4 * 1024 * 1024);
  });

  test("half-close: the client's FIN reaches the pod's server, whose answer still comes back", async () => {
    const payload = randomBytes(100 * 1024);
    assert.deepEqual(await exchange(ports.bulkTcp, payload), { received: "got 102400 bytes", error: undefined });
  });

  test("a port nothing listens on in the pod: the local client is reset, and doppel says why", async () => {
    const outcome = await exchange(ports.refused, Buffer.from("hello"));
    assert.deepEqual(outcome, { received: "", error: "ECONNRESET" });
    await stderrMatching(forward, new RegExp(`-L ${ports.refused}:backend:81: .*could not reach backend:81`));
    assert.match(forward.stderr, /ECONNREFUSED|refused/i);
  });

  test("a name the pod cannot resolve: the local client is reset, and doppel says why", async () => {
    assert.deepEqual(await exchange(ports.unknown, Buffer.from("hello")), { received: "", error: "ECONNRESET" });
    await stderrMatching(forward, /-L \d+:no-such-service:80: .*cannot resolve no-such-service in the target/);
  });

  test("Ctrl-C (SIGINT) stops it, also with a connection open: exit code 0, nothing listens any more", {
    timeout: 60_000,
  }, async () => {
    // The pod's raw TCP server holds a connection until the client half-closes, which this one never does.
    const held = connect({ host: "127.0.0.1", port: ports.bulkTcp });
    const heldEnded = new Promise<void>((resolve) => held.once("close", () => resolve()));
    held.on("error", () => {});
    held.write("still here");
    await new Promise((resolve) => held.once("connect", resolve));
    forward.process.kill("SIGINT");
    assert.equal(await forward.finish(), 0, forward.stderr);
    await heldEnded;
    for (const port of Object.values(ports)) {
      assert.deepEqual(await exchange(port, Buffer.from("x")), { received: "", error: "ECONNREFUSED" });
    }
  });
});

describe("-R: the pod's incoming port to a local server", () => {
  let local: Server;
  let localPort: number;

  before(async () => {
    local = http.createServer((req, res) => res.end(`local server: ${req.method} ${req.url}`));
    await new Promise<void>((resolve) => local.listen(0, "127.0.0.1", resolve));
    localPort = (local.address() as { port: number }).port;
  });

  after(() => local?.close());

  test("a request to the pod is answered locally until doppel stops; then the pod answers again", {
    timeout: 120_000,
  }, async () => {
    const forward = await portForward(["-R", `8080:${localPort}`], 1);
    assert.deepEqual(
      forward.lines.find((line) => line.forward === "remote"),
      { forward: "remote", spec: `8080:${localPort}`, port: 8080, to: `127.0.0.1:${localPort}` },
    );
    const stolen = await request(web.url("/stolen"));
    assert.equal(stolen.body.toString(), "local server: GET /stolen");

    forward.process.kill("SIGTERM");
    assert.equal(await forward.finish(), 0, forward.stderr);
    const answer = await request(web.url("/after-port-forward"));
    assert.equal(answer.body.toString(), "pod web: GET /after-port-forward\n");
    assert.equal((await web.stats()).byPath["/stolen"] ?? 0, 0, "the pod never saw the stolen request");
  });

  test("with the configuration's http_filter only matching requests are taken", { timeout: 120_000 }, async () => {
    const config = join(scratch, "filtered.json");
    writeFileSync(
      config,
      JSON.stringify({ feature: { network: { incoming: { http_filter: { header_filter: "^x-user: me$" } } } } }),
    );
    const forward = await portForward(["-f", config, "-R", `8080:${localPort}`], 1);
    try {
      const mine = await request(web.url("/mine"), { headers: { "x-user": "me" } });
      assert.equal(mine.body.toString(), "local server: GET /mine");
      const theirs = await request(web.url("/theirs"), { headers: { "x-user": "someone" } });
      assert.equal(theirs.body.toString(), "pod web: GET /theirs\n");
    } finally {
      await forward.stop();
    }
  });

  test("nothing listens on the local port: the pod's client gets 502 (HTTP port) or a reset, and doppel says why", {
    timeout: 120_000,
  }, async () => {
    const closedPort = await freePort();
    const forward = await portForward(["-R", `8080:${closedPort}`, "-R", `9999:${closedPort}`], 2);
    try {
      // Port 9999 is no HTTP port: its steal takes whole connections, and an undeliverable one is reset.
      const raw = await new Promise<string | undefined>((resolve) => {
        const socket = connect({ host: web.ip, port: 9999 });
        socket.on("error", (error: NodeJS.ErrnoException) => resolve(error.code));
        socket.on("close", () => resolve(undefined));
      });
      assert.equal(raw, "ECONNRESET");
      // Port 8080 is one of http_filter.ports and pass_probes is on by default, so the steal is HTTP-aware and the
      // agent answers the failed delivery itself.
      const answer = await request(web.url("/nobody-home"));
      assert.equal(answer.status, 502, answer.body.toString());
      await stderrMatching(forward, new RegExp(`port 8080 could not reach .*127\\.0\\.0\\.1:${closedPort}`));
    } finally {
      await forward.stop();
    }
  });
});

describe("the agent is lost", () => {
  test("doppel says so, exits 1 and stops listening", { timeout: 120_000 }, async () => {
    const port = await freePort();
    const forward = await portForward(["-L", `${port}:backend:80`], 1);
    const agents = (await run("pgrep", ["-P", String(forward.process.pid), "-f", "agent.js"])).stdout.trim();
    assert.match(agents, /^\d+$/, `one agent process under doppel, found: ${agents}`);
    process.kill(Number(agents), "SIGKILL");
    assert.equal(await forward.finish(), 1, forward.stderr);
    assert.match(forward.stderr, /doppel error: port-forward stopped: the connection to the agent is gone/);
    assert.deepEqual(await exchange(port, Buffer.from("x")), { received: "", error: "ECONNREFUSED" });
  });
});

describe("failures before any agent starts", () => {
  test("a bad -L names the argument and the grammar; exit code 1", { timeout: 60_000 }, async () => {
    const forward = doppel(["port-forward", "-t", `pid/${web.pid}`, "-L", "8080:backend"]);
    assert.equal(await forward.finish(), 1);
    assert.match(forward.stderr, /invalid port-forward argument -L 8080:backend: rport "backend" is not a port/);
    assert.match(forward.stderr, /-L \[lport:\]host:rport/);
  });

  test("a bad -R names the argument and the grammar", { timeout: 60_000 }, async () => {
    const forward = doppel(["port-forward", "-t", `pid/${web.pid}`, "-R", "80:3000:1"]);
    assert.equal(await forward.finish(), 1);
    assert.match(forward.stderr, /invalid port-forward argument -R 80:3000:1/);
    assert.match(forward.stderr, /-R rport\[:lport\]/);
  });

  test("-R without a target", { timeout: 60_000 }, async () => {
    const forward = doppel(["port-forward", "-t", "targetless", "-L", "8080:backend:80", "-R", "80:3000"]);
    assert.equal(await forward.finish(), 1);
    assert.match(forward.stderr, /-R 80:3000 needs a target whose incoming traffic it takes/);
  });

  test("nothing to forward", { timeout: 60_000 }, async () => {
    const forward = doppel(["port-forward", "-t", `pid/${web.pid}`]);
    assert.equal(await forward.finish(), 1);
    assert.match(forward.stderr, /nothing to forward/);
  });

  test("a local port in use is named", { timeout: 60_000 }, async () => {
    const busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, "127.0.0.1", resolve));
    const { port } = busy.address() as { port: number };
    try {
      const forward = doppel(["port-forward", "-t", `pid/${web.pid}`, "-L", `${port}:backend:80`]);
      assert.equal(await forward.finish(), 1);
      assert.match(
        forward.stderr,
        new RegExp(`cannot listen on 127\\.0\\.0\\.1:${port} for -L ${port}:backend:80: the port is already in use`),
      );
      assert.doesNotMatch(forward.stderr, /agent/);
    } finally {
      busy.close();
    }
  });
});
