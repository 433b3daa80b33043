// End-to-end (issue 3): the incoming port controls — feature.network.incoming.ports, ignore_ports, port_mapping
// and listen_ports — through `doppel exec -t pid/<pod>` against a namespaced pod of the test bed. The pod and the
// local app both run test/e2e-incoming/apps/ports-app.mjs, whose answers name who served them and on which port
// the app asked to listen; curl asks the pod's IP (stolen or not) and this machine's loopback (where the app really
// listens). Root and Linux only.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { buildAgent } from "../../agent/src/testing/run-agent.ts";
import { type DoppelRun, doppelExec, stopAllRuns } from "../e2e/doppel-run.ts";
import { buildPrerequisites } from "../e2e/prerequisites.ts";
import { createTestBed, type Pod, type TestBed } from "../pod/index.ts";

const run = promisify(execFile);
const portsApp = fileURLToPath(new URL("./apps/ports-app.mjs", import.meta.url));
/** Ports the pod's app serves; uncommon ones, since the local app really listens on this machine's loopback. */
const podPorts = [47801, 47802] as const;
const [first, second] = podPorts;
/** Ports only the local app uses. */
const mappedLocal = 47803;
const actualLocal = 47804;

let bed: TestBed;
let pod: Pod;
let configDir: string;

before(async () => {
  buildPrerequisites();
  buildAgent(); // the local agent runs agent/dist: never test a stale bundle
  configDir = mkdtempSync(join(tmpdir(), "dpl-e2e-ports-"));
  bed = await createTestBed();
  pod = await bed.pod({
    name: "ports",
    command: [process.execPath, portsApp, "pod", ...podPorts.map(String)],
    port: first,
  });
  assert.equal(await eventually(() => answer(pod.ip, second), isFrom("pod")), `pod ${second}\n`);
});

after(async () => {
  await stopAllRuns();
  await bed?.destroy();
  if (configDir) rmSync(configDir, { recursive: true, force: true });
});

let configCount = 0;
/** `doppel exec` of the ports app (stealing, plus `incoming`); resolves once all its listeners listen. */
async function session(incoming: Record<string, unknown>, listens: string[]): Promise<DoppelRun> {
  const config = join(configDir, `doppel-${configCount++}.json`);
  writeFileSync(config, JSON.stringify({ feature: { network: { incoming: { mode: "steal", ...incoming } } } }));
  const doppel = doppelExec([
    "-t",
    `pid/${pod.pid}`,
    "-f",
    config,
    "--",
    process.execPath,
    portsApp,
    "local",
    ...listens,
  ]);
  await doppel.line((line) => Array.isArray(line.listening), 45_000);
  return doppel;
}

/** What an HTTP GET to host:port answers, or how it failed. */
async function answer(host: string, port: number): Promise<string> {
  try {
    const { stdout } = await run("curl", ["-s", "--max-time", "10", `http://${host}:${port}/`]);
    return stdout;
  } catch (error) {
    return `curl failed with exit code ${(error as { code?: unknown }).code}`;
  }
}

const isFrom = (label: string) => (text: string) => text.startsWith(`${label} `);

/** Retries `attempt` until `done` accepts its result (the steal starts a moment after the app listens). */
async function eventually<T>(attempt: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  let value = await attempt();
  for (let i = 0; i < 50 && !done(value); i++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    value = await attempt();
  }
  return value;
}

function assertSupported(doppel: DoppelRun): void {
  assert.doesNotMatch(doppel.stderr, /not supported yet/, "every key of the config is supported");
}

test("ports: only the listed port is stolen; a listen on another port stays local", { timeout: 90_000 }, async (t) => {
  const doppel = await session({ ports: [first] }, [String(first), String(second)]);
  t.after(() => doppel.stop());
  assert.equal(await eventually(() => answer(pod.ip, first), isFrom("local")), `local ${first}\n`);
  assert.equal(await answer(pod.ip, second), `pod ${second}\n`);
  assert.equal(await answer("127.0.0.1", second), `local ${second}\n`, "the unlisted port listens on this machine");
  assertSupported(doppel);
});

test("ignore_ports: the ignored port stays local; the others are stolen", { timeout: 90_000 }, async (t) => {
  const doppel = await session({ ignore_ports: [first] }, [String(first), String(second)]);
  t.after(() => doppel.stop());
  assert.equal(await eventually(() => answer(pod.ip, second), isFrom("local")), `local ${second}\n`);
  assert.equal(await answer(pod.ip, first), `pod ${first}\n`);
  assert.equal(await answer("127.0.0.1", first), `local ${first}\n`, "the ignored port listens on this machine");
  assertSupported(doppel);
});

test("ignore_ports names ports of this machine: a mapped listener on an ignored port stays local", {
  timeout: 90_000,
}, async (t) => {
  const incoming = { ignore_ports: [mappedLocal], port_mapping: [[mappedLocal, first]] };
  const doppel = await session(incoming, [String(mappedLocal), String(second)]);
  t.after(() => doppel.stop());
  assert.equal(await eventually(() => answer(pod.ip, second), isFrom("local")), `local ${second}\n`);
  assert.equal(await answer(pod.ip, first), `pod ${first}\n`);
  assert.equal(await answer("127.0.0.1", mappedLocal), `local ${mappedLocal}\n`);
});

test("port_mapping: the app listening on the local port receives the pod port's traffic", {
  timeout: 90_000,
}, async (t) => {
  const doppel = await session({ port_mapping: [[mappedLocal, first]] }, [String(mappedLocal)]);
  t.after(() => doppel.stop());
  assert.equal(await eventually(() => answer(pod.ip, first), isFrom("local")), `local ${mappedLocal}\n`);
  assert.equal(await answer(pod.ip, second), `pod ${second}\n`, "an unmapped pod port is left alone");
  assert.equal(await answer("127.0.0.1", mappedLocal), `local ${mappedLocal}\n`);
  assertSupported(doppel);
});

test("listen_ports: the app asks for the pod port and really listens on the actual one", {
  timeout: 90_000,
}, async (t) => {
  const doppel = await session({ listen_ports: [[first, actualLocal]] }, [String(first)]);
  t.after(() => doppel.stop());
  assert.deepEqual(
    (await doppel.line((line) => Array.isArray(line.listening))).listening,
    [first],
    "the app sees the port it asked for",
  );
  assert.equal(await eventually(() => answer(pod.ip, first), isFrom("local")), `local ${first}\n`);
  assert.equal(await answer("127.0.0.1", actualLocal), `local ${first}\n`, "the app really listens on the actual port");
  assert.match(await answer("127.0.0.1", first), /^curl failed/, "nothing listens on the requested port here");
  assertSupported(doppel);
});

test("ignore_localhost: a listener on loopback stays local; one on all addresses is stolen", {
  timeout: 90_000,
}, async (t) => {
  const doppel = await session({ ignore_localhost: true }, [`${first}@127.0.0.1`, String(second)]);
  t.after(() => doppel.stop());
  assert.equal(await eventually(() => answer(pod.ip, second), isFrom("local")), `local ${second}\n`);
  assert.equal(await answer(pod.ip, first), `pod ${first}\n`);
  assert.equal(await answer("127.0.0.1", first), `local ${first}\n`, "the loopback listener listens on this machine");
  assertSupported(doppel);
});

test("without ignore_localhost a listener on loopback is stolen too", { timeout: 90_000 }, async (t) => {
  const doppel = await session({}, [`${first}@127.0.0.1`]);
  t.after(() => doppel.stop());
  assert.equal(await eventually(() => answer(pod.ip, first), isFrom("local")), `local ${first}\n`);
});

test("a keep-alive connection opened before the steal stays with the pod; new connections are stolen", {
  timeout: 90_000,
}, async (t) => {
  const keepAlive = new http.Agent({ keepAlive: true, maxSockets: 1 });
  t.after(() => keepAlive.destroy());
  const before = await get(keepAlive, pod.ip, first);
  assert.deepEqual(before, { text: `pod ${first}\n`, reused: false });
  const doppel = await session({}, [String(first)]);
  t.after(() => doppel.stop());
  assert.equal(await eventually(() => answer(pod.ip, first), isFrom("local")), `local ${first}\n`);
  assert.deepEqual(
    await get(keepAlive, pod.ip, first),
    { text: `pod ${first}\n`, reused: true },
    "the connection established before the steal is not redirected (and not reset)",
  );
});

/** A GET through `agent`: the answer and whether it went over a connection the agent already had. */
function get(agent: http.Agent, host: string, port: number): Promise<{ text: string; reused: boolean }> {
  return new Promise((resolve, reject) => {
    const request = http.get({ host, port, path: "/", agent, timeout: 10_000 }, (response) => {
      let text = "";
      response.setEncoding("utf8").on("data", (chunk: string) => {
        text += chunk;
      });
      response.on("end", () => resolve({ text, reused: request.reusedSocket }));
    });
    request.on("timeout", () => request.destroy(new Error(`no answer from ${host}:${port} within 10 s`)));
    request.on("error", reject);
  });
}
