// End-to-end (issue 3): HTTP-filtered steal through `doppel exec -t pid/<pod>` against namespaced pods of the test
// bed, with real clients — curl (HTTP/1.1 and --http2-prior-knowledge), a node:http2 client, @grpc/grpc-js and a
// `ws` client. The pod runs its own server (test/e2e-incoming/apps/http-app.mjs) and the local app under doppel
// runs the same server with another label, so every answer names who served it. Root and Linux only.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import http2 from "node:http2";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import * as grpc from "@grpc/grpc-js";
import { WebSocket } from "ws";
import { buildAgent } from "../../agent/src/testing/run-agent.ts";
import { type DoppelRun, doppelExec, stopAllRuns } from "../e2e/doppel-run.ts";
import { buildPrerequisites } from "../e2e/prerequisites.ts";
import { createTestBed, type Pod, type TestBed } from "../pod/index.ts";
import { grpcService } from "./apps/http-app.mjs";

const run = promisify(execFile);
const httpApp = fileURLToPath(new URL("./apps/http-app.mjs", import.meta.url));
const PORT = 8080;
type Mode = "h1" | "h2" | "grpc";

let bed: TestBed;
const pods = {} as Record<Mode, Pod>;
let configDir: string;

before(async () => {
  buildPrerequisites();
  buildAgent(); // the local agent runs agent/dist: never test a stale bundle
  configDir = mkdtempSync(join(tmpdir(), "dpl-e2e-incoming-"));
  bed = await createTestBed();
  for (const mode of ["h1", "h2", "grpc"] as const) {
    pods[mode] = await bed.pod({
      name: `pod-${mode}`,
      command: [process.execPath, httpApp, mode, String(PORT), `pod ${mode}`],
      port: PORT,
    });
  }
});

after(async () => {
  await stopAllRuns();
  await bed?.destroy();
  if (configDir) rmSync(configDir, { recursive: true, force: true });
});

let configCount = 0;
/** A config with incoming `steal` unless `incoming.mode` says otherwise. */
function configFile(incoming: Record<string, unknown>): string {
  const path = join(configDir, `doppel-${configCount++}.json`);
  writeFileSync(path, JSON.stringify({ feature: { network: { incoming: { mode: "steal", ...incoming } } } }, null, 2));
  return path;
}

/** `doppel exec` of the local app in `mode`; resolves once the app listens (its port is then subscribed). */
async function session(mode: Mode, incoming: Record<string, unknown>, label: string): Promise<DoppelRun> {
  const doppel = doppelExec([
    "-t",
    `pid/${pods[mode].pid}`,
    "-f",
    configFile(incoming),
    "--",
    process.execPath,
    httpApp,
    mode,
    String(PORT),
    label,
  ]);
  await doppel.line((line) => line.listening === PORT, 45_000);
  return doppel;
}

async function curl(args: string[]): Promise<string> {
  const { stdout } = await run("curl", ["-s", "--max-time", "20", ...args]);
  return stdout;
}

/** Retries `attempt` until `done` accepts its result (the first request after the steal starts may race it). */
async function eventually<T>(attempt: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  let value = await attempt();
  for (let i = 0; i < 50 && !done(value); i++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    value = await attempt();
  }
  return value;
}

const alice = { http_filter: { header_filter: "^x-user: alice$" } };

describe("HTTP/1.1 (curl)", () => {
  test("matching and non-matching requests over one keep-alive connection", { timeout: 90_000 }, async (t) => {
    const doppel = await session("h1", alice, "local");
    t.after(() => doppel.stop());
    const url = (path: string) => `http://${pods.h1.ip}:${PORT}${path}`;
    await eventually(
      () => curl(["-H", "x-user: alice", url("/warm-up")]),
      (text) => text.startsWith("local"),
    );
    // curl reuses its connection across --next transfers; %{num_connects} is 0 for a reused one.
    const out = await curl([
      "-H",
      "x-user: alice",
      "-w",
      "|%{num_connects}\n",
      url("/mine"),
      "--next",
      "-s",
      "-H",
      "x-user: bob",
      "-w",
      "|%{num_connects}\n",
      url("/theirs"),
      "--next",
      "-s",
      "-H",
      "x-user: alice",
      "-w",
      "|%{num_connects}\n",
      url("/mine-again"),
    ]);
    assert.equal(out, "local: GET /mine\n|1\npod h1: GET /theirs\n|0\nlocal: GET /mine-again\n|0\n");
  });

  test("a 50 MB body streams to the local app and back", { timeout: 120_000 }, async (t) => {
    const doppel = await session("h1", alice, "local");
    t.after(() => doppel.stop());
    const size = 50 * 1024 * 1024;
    const chunk = Buffer.alloc(1024 * 1024, 0x61);
    const echoed = await new Promise<{ bytes: number; servedBy: string }>((resolve, reject) => {
      const request = http.request({
        host: pods.h1.ip,
        port: PORT,
        path: "/echo",
        method: "POST",
        headers: { "x-user": "alice" },
        agent: false,
      });
      request.on("response", (response) => {
        let bytes = 0;
        response.on("data", (data: Buffer) => {
          bytes += data.length;
        });
        response.on("end", () => resolve({ bytes, servedBy: String(response.headers["x-served-by"]) }));
      });
      request.on("error", reject);
      let sent = 0;
      const pump = () => {
        while (sent < size) {
          sent += chunk.length;
          if (!request.write(chunk)) {
            request.once("drain", pump);
            return;
          }
        }
        request.end();
      };
      pump();
    });
    assert.deepEqual(echoed, { bytes: size, servedBy: "local" });
  });

  test("a matching WebSocket upgrade reaches the local app; another one the pod", { timeout: 90_000 }, async (t) => {
    const doppel = await session("h1", alice, "local");
    t.after(() => doppel.stop());
    const talk = async (user: string) => {
      const socket = new WebSocket(`ws://${pods.h1.ip}:${PORT}/chat`, { headers: { "x-user": user } });
      await once(socket, "open");
      socket.send("hello");
      const [data] = (await once(socket, "message")) as [Buffer];
      socket.close();
      return data.toString();
    };
    assert.equal(
      await eventually(
        () => talk("alice"),
        (text) => text.startsWith("local"),
      ),
      "local echo hello",
    );
    assert.equal(await talk("bob"), "pod h1 echo hello");
  });

  test("probe safety: an unfiltered steal leaves kube-probe requests to the pod", { timeout: 90_000 }, async (t) => {
    const doppel = await session("h1", {}, "local");
    t.after(() => doppel.stop());
    const url = `http://${pods.h1.ip}:${PORT}`;
    await eventually(
      () => curl([`${url}/anything`]),
      (text) => text.startsWith("local"),
    );
    const probe = await curl(["-A", "kube-probe/1.34", `${url}/healthz`]);
    assert.equal(probe, "pod h1: GET /healthz\n");
    assert.equal(
      doppel.lines.some((line) => line.served === "/healthz"),
      false,
      "the probe never reached the local app",
    );
  });

  test("two sessions with different header filters each get only their own requests", {
    timeout: 120_000,
  }, async (t) => {
    const first = await session("h1", alice, "alice-app");
    t.after(() => first.stop());
    const second = await session("h1", { http_filter: { header_filter: "^x-user: bob$" } }, "bob-app");
    t.after(() => second.stop());
    const url = `http://${pods.h1.ip}:${PORT}`;
    const as = (user: string, path: string) => curl(["-H", `x-user: ${user}`, `${url}${path}`]);
    assert.equal(
      await eventually(
        () => as("bob", "/b"),
        (text) => text.startsWith("bob-app"),
      ),
      "bob-app: GET /b\n",
    );
    assert.equal(await as("alice", "/a"), "alice-app: GET /a\n");
    assert.equal(await as("carol", "/c"), "pod h1: GET /c\n");
    const servedBy = (doppel: DoppelRun) =>
      doppel.lines.flatMap((line) => (typeof line.served === "string" ? [line.served] : []));
    assert.equal(servedBy(first).includes("/b"), false);
    assert.equal(servedBy(second).includes("/a"), false);
    assert.equal(servedBy(first).includes("/c") || servedBy(second).includes("/c"), false);
  });

  test("an unfiltered steal of a port a filtered session holds is refused, naming that session", {
    timeout: 90_000,
  }, async (t) => {
    const holder = await session("h1", alice, "alice-app");
    t.after(() => holder.stop());
    const doppel = doppelExec([
      "-t",
      `pid/${pods.h1.pid}`,
      "-f",
      configFile({ pass_probes: false }),
      "--",
      process.execPath,
      httpApp,
      "h1",
      String(PORT),
      "greedy",
    ]);
    t.after(() => doppel.stop());
    await doppel.line((line) => line.listening === PORT, 45_000);
    // The layer reports the refused subscription and the app keeps listening locally only.
    await eventually(
      async () => doppel.stderr,
      (text) => /already stolen by table doppel_\w+ \(agent pid \d+\) with an HTTP filter/.test(text),
    );
    assert.match(doppel.stderr, /on_concurrent_steal/);
    assert.equal(await curl(["-H", "x-user: alice", `http://${pods.h1.ip}:${PORT}/x`]), "alice-app: GET /x\n");
  });
});

describe("on_concurrent_steal", () => {
  const greedy = (label: string, policy: string) =>
    doppelExec([
      "-t",
      `pid/${pods.h1.pid}`,
      "-f",
      configFile({ pass_probes: false, on_concurrent_steal: policy }),
      "--",
      process.execPath,
      httpApp,
      "h1",
      String(PORT),
      label,
    ]);
  const url = () => `http://${pods.h1.ip}:${PORT}/who`;

  test("override: the later session takes the port; when it ends the earlier one has it again", {
    timeout: 90_000,
  }, async (t) => {
    const first = await session("h1", { pass_probes: false }, "first");
    t.after(() => first.stop());
    await eventually(
      () => curl([url()]),
      (text) => text.startsWith("first"),
    );
    const second = greedy("second", "override");
    t.after(() => second.stop());
    await second.line((line) => line.listening === PORT, 45_000);
    assert.equal(
      await eventually(
        () => curl([url()]),
        (text) => text.startsWith("second"),
      ),
      "second: GET /who\n",
    );
    await second.stop();
    assert.equal(
      await eventually(
        () => curl([url()]),
        (text) => text.startsWith("first"),
      ),
      "first: GET /who\n",
    );
  });

  test("continue: the later session runs without the port and says so", { timeout: 90_000 }, async (t) => {
    const first = await session("h1", { pass_probes: false }, "first");
    t.after(() => first.stop());
    await eventually(
      () => curl([url()]),
      (text) => text.startsWith("first"),
    );
    const second = greedy("second", "continue");
    t.after(() => second.stop());
    await second.line((line) => line.listening === PORT, 45_000);
    await eventually(
      async () => second.stderr,
      (text) => /continuing without it/.test(text),
    );
    assert.match(second.stderr, /port 8080 is already stolen by table doppel_\w+ \(agent pid \d+\)/);
    assert.equal(await curl([url()]), "first: GET /who\n");
  });
});

describe("mirror with an HTTP filter", () => {
  test("only matching requests are copied; the pod answers all of them", { timeout: 90_000 }, async (t) => {
    const doppel = await session("h1", { mode: "mirror", ...alice }, "local");
    t.after(() => doppel.stop());
    const url = (path: string) => `http://${pods.h1.ip}:${PORT}${path}`;
    // One connection, in order: the capture parses bob's request before alice's, so once alice's copy arrived
    // bob's would have arrived first if it had been copied.
    const pair = () =>
      curl(["-H", "x-user: bob", url("/mirror-bob"), "--next", "-s", "-H", "x-user: alice", url("/mirror-alice")]);
    // Under heavy load a copy has been seen to go missing (see the note in docs/incoming-http-filter.md); send the
    // pair again, up to 5 times, until alice's copy arrives. Bob's request must never be copied, whatever happens.
    let copied = false;
    for (let attempt = 0; attempt < 5 && !copied; attempt++) {
      assert.equal(await pair(), "pod h1: GET /mirror-bob\npod h1: GET /mirror-alice\n");
      copied = await doppel
        .line((line) => line.served === "/mirror-alice", 8_000)
        .then(
          () => true,
          () => false,
        );
    }
    assert.ok(copied, "no copy of alice's request reached the local app after 5 tries");
    const served = doppel.lines.flatMap((line) => (typeof line.served === "string" ? [line.served] : []));
    assert.ok(served.length > 0 && served.every((path) => path === "/mirror-alice"), `copied: ${served.join(", ")}`);
  });
});

describe("HTTP/2 cleartext", () => {
  test("curl --http2-prior-knowledge: each request answered by its own side", { timeout: 90_000 }, async (t) => {
    const doppel = await session("h2", alice, "local");
    t.after(() => doppel.stop());
    const url = (path: string) => `http://${pods.h2.ip}:${PORT}${path}`;
    const h2 = (user: string, path: string) => curl(["--http2-prior-knowledge", "-H", `x-user: ${user}`, url(path)]);
    assert.equal(
      await eventually(
        () => h2("alice", "/a"),
        (text) => text.startsWith("local"),
      ),
      "local: GET /a\n",
    );
    assert.equal(await h2("bob", "/b"), "pod h2: GET /b\n");
  });

  test("a node http2 client: streams of one session, trailers intact", { timeout: 90_000 }, async (t) => {
    const doppel = await session("h2", alice, "local");
    t.after(() => doppel.stop());
    const call = (client: http2.ClientHttp2Session, user: string, path: string) =>
      new Promise<{ text: string; trailer: unknown }>((resolve, reject) => {
        const stream = client.request({ ":path": path, "x-user": user });
        let text = "";
        let trailer: unknown;
        stream.on("trailers", (trailers) => {
          trailer = trailers["x-served-by"];
        });
        stream.setEncoding("utf8").on("data", (chunk: string) => {
          text += chunk;
        });
        stream.on("end", () => resolve({ text, trailer }));
        stream.on("error", reject);
        stream.end();
      });
    const warm = http2.connect(`http://${pods.h2.ip}:${PORT}`);
    await eventually(
      () => call(warm, "alice", "/warm"),
      (r) => r.text.startsWith("local"),
    );
    warm.close();
    const client = http2.connect(`http://${pods.h2.ip}:${PORT}`);
    const results = await Promise.all([
      call(client, "alice", "/1"),
      call(client, "bob", "/2"),
      call(client, "alice", "/3"),
    ]);
    client.close();
    assert.deepEqual(results, [
      { text: "local: GET /1\n", trailer: "local" },
      { text: "pod h2: GET /2\n", trailer: "pod h2" },
      { text: "local: GET /3\n", trailer: "local" },
    ]);
  });
});

describe("gRPC (@grpc/grpc-js)", () => {
  test("unary and server streaming keep status and trailers; non-matching calls reach the pod", {
    timeout: 90_000,
  }, async (t) => {
    const doppel = await session("grpc", alice, "local");
    t.after(() => doppel.stop());
    const Client = grpc.makeGenericClientConstructor(grpcService(), "Test");
    const client = new Client(`${pods.grpc.ip}:${PORT}`, grpc.credentials.createInsecure()) as unknown as {
      greet(
        req: unknown,
        md: grpc.Metadata,
        cb: (e: grpc.ServiceError | null, r?: { text: string }) => void,
      ): grpc.ClientUnaryCall;
      count(req: unknown, md: grpc.Metadata): grpc.ClientReadableStream<{ i: number; from: string }>;
      close(): void;
    };
    t.after(() => client.close());
    const as = (user: string) => {
      const metadata = new grpc.Metadata();
      metadata.set("x-user", user);
      return metadata;
    };
    // The reply and the status (with its trailers) arrive as two events; the call is done when both have.
    const greet = (who: string, user: string) =>
      new Promise<{ text?: string; code: number; details?: string; servedBy: unknown }>((resolve) => {
        let reply: { text?: string; code: number; details?: string } | undefined;
        let servedBy: unknown;
        let statusSeen = false;
        const settle = () => {
          if (reply && statusSeen) resolve({ ...reply, servedBy });
        };
        const call = client.greet({ who }, as(user), (error, answer) => {
          reply = { text: answer?.text, code: error?.code ?? 0, details: error?.details };
          settle();
        });
        call.on("status", (status) => {
          servedBy = status.metadata.get("x-served-by")[0];
          statusSeen = true;
          settle();
        });
      });
    assert.deepEqual(
      await eventually(
        () => greet("ann", "alice"),
        (r) => r.servedBy === "local",
      ),
      {
        text: "local greets ann",
        code: 0,
        details: undefined,
        servedBy: "local",
      },
    );
    assert.deepEqual(await greet("ann", "bob"), {
      text: "pod grpc greets ann",
      code: 0,
      details: undefined,
      servedBy: "pod grpc",
    });
    assert.deepEqual(await greet("nobody", "alice"), {
      text: undefined,
      code: grpc.status.NOT_FOUND,
      details: "local knows nobody",
      servedBy: "local",
    });
    const stream = client.count({ n: 5 }, as("alice"));
    const items: string[] = [];
    stream.on("data", (item: { i: number; from: string }) => items.push(`${item.from} ${item.i}`));
    const [status] = (await once(stream, "status")) as [grpc.StatusObject];
    assert.deepEqual(items, ["local 1", "local 2", "local 3", "local 4", "local 5"]);
    assert.equal(status.code, grpc.status.OK);
    assert.equal(status.metadata.get("x-served-by")[0], "local");
  });
});

describe("configuration", () => {
  test("a bad regex in http_filter is reported with its file, line and column", { timeout: 30_000 }, async () => {
    const path = join(configDir, "bad-regex.json");
    writeFileSync(
      path,
      '{\n  "feature": {\n    "network": {\n      "incoming": {\n        "mode": "steal",\n        "http_filter": { "any_of": [{ "path": "^/ok" }, { "header": "([unclosed" }] }\n      }\n    }\n  }\n}\n',
    );
    const doppel = doppelExec(["-t", `pid/${pods.h1.pid}`, "-f", path, "--", "true"]);
    assert.notEqual(await doppel.exited, 0);
    assert.match(doppel.stderr, new RegExp(`${path}:6:\\d+: .*any_of\\[1\\]\\.header.*Invalid regular expression`));
  });
});
