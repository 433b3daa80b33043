// `doppel ide start` against a namespaced pod of the test bed, the way an IDE drives it: progress phases, then
// `ready` with the environment; a process the "IDE" launches with that environment sees the pod (its file, its
// variable, its incoming traffic); `stop` on stdin (or stdin closing) tears the session down and ends the process.
// Root and Linux only; needs `npm run build -w agent` and `make -C native-layer` first.
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";
import type { IdeEvent } from "../../shared/cli/ide-protocol.ts";
import { createTestBed, type Pod, type TestBed } from "../pod/index.ts";
import { repoRoot } from "./doppel-run.ts";
import { buildPrerequisites } from "./prerequisites.ts";

const main = fileURLToPath(new URL("../../shared/cli/main.ts", import.meta.url));
const probe = fileURLToPath(new URL("./apps/probe.mjs", import.meta.url));
const podFile = "/srv/dpl-ide/pod-only.txt";
const podVariable = "DPL_IDE_POD_ONLY";

let bed: TestBed;
let pod: Pod;
let workspace: string;
const started = new Set<ChildProcess>();

before(async () => {
  buildPrerequisites();
  workspace = mkdtempSync(join(tmpdir(), "dpl-ide-ws-"));
  bed = await createTestBed();
  pod = await bed.pod({
    name: "ide",
    env: { [podVariable]: "set only in the pod" },
    files: { [podFile]: "only the pod has this" },
  });
});

after(async () => {
  for (const child of started) if (child.exitCode === null) child.kill("SIGKILL");
  await bed?.destroy();
  rmSync(workspace, { recursive: true, force: true });
});

/** `doppel ide start …` with a pipe on stdin, and its JSON lines as they come. */
function ideStart(args: string[]) {
  const child = spawn(process.execPath, ["--import", "tsx", main, "ide", "start", "--workspace", workspace, ...args], {
    cwd: repoRoot,
    stdio: ["pipe", "pipe", "pipe"],
  });
  started.add(child);
  const events: IdeEvent[] = [];
  const waiting: { type: string; resolve: (event: IdeEvent) => void }[] = [];
  let stderr = "";
  child.stderr?.on("data", (chunk) => {
    stderr += chunk;
  });
  createInterface({ input: child.stdout as NodeJS.ReadableStream }).on("line", (line) => {
    const event = JSON.parse(line) as IdeEvent;
    events.push(event);
    for (const waiter of waiting.filter((w) => w.type === event.type || event.type === "error")) waiter.resolve(event);
  });
  const exited = once(child, "exit").then(([code]) => code as number | null);
  const next = <T extends IdeEvent["type"]>(type: T): Promise<Extract<IdeEvent, { type: T }>> => {
    const seen = events.find((event) => event.type === type || event.type === "error");
    const arrived = seen ? Promise.resolve(seen) : new Promise<IdeEvent>((resolve) => waiting.push({ type, resolve }));
    return arrived.then((event) => {
      assert.equal(event.type, type, `expected ${type}, got ${JSON.stringify(event)}; stderr: ${stderr}`);
      return event as Extract<IdeEvent, { type: T }>;
    });
  };
  return { child, events, exited, next };
}

/** Runs the probe app the way an IDE's debugger would: the launch environment with `ready`'s changes applied. */
function launchWith(ready: Extract<IdeEvent, { type: "ready" }>, args: string[]): ChildProcess {
  const env = { ...process.env, ...ready.env };
  for (const name of ready.unset) delete env[name];
  const child = spawn(process.execPath, [probe, ...args], { env, stdio: ["ignore", "pipe", "inherit"] });
  started.add(child);
  return child;
}

async function linesOf(child: ChildProcess, count: number): Promise<Record<string, unknown>[]> {
  const lines: Record<string, unknown>[] = [];
  const reader = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  for await (const line of reader) {
    lines.push(JSON.parse(line) as Record<string, unknown>);
    if (lines.length === count) break;
  }
  return lines;
}

test("start reports its phases, hands over the pod's environment, and the launched app sees the pod", async () => {
  const ide = ideStart(["--target", `pid/${pod.pid}`, "--skip-processes", "gdb,dlv"]);
  const ready = await ide.next("ready");
  assert.deepEqual(
    ide.events.filter((event) => event.type === "progress").map((event) => event.phase),
    ["config", "agent", "env", "proxy"],
  );
  assert.equal(ready.session.target, `pid/${pod.pid}`);
  assert.equal(ready.env[podVariable], "set only in the pod");
  assert.match(ready.env.LD_PRELOAD ?? "", /libdoppel_layer\.so/);
  assert.equal(ready.env.DOPPEL_PROXY_SOCKET, ready.session.proxySocket);

  const prober = launchWith(ready, ["probe", bed.backend.url("/from-ide"), bed.backend.dnsName, podFile, podVariable]);
  const [result] = await linesOf(prober, 1);
  assert.equal(result?.file, "only the pod has this");
  assert.equal(result?.env, "set only in the pod");
  assert.equal(result?.fetch, "pod backend: GET /from-ide\n");

  const server = launchWith(ready, ["serve", String(pod.port), "local"]);
  const serverLines = createInterface({ input: server.stdout as NodeJS.ReadableStream })[Symbol.asyncIterator]();
  const nextServerLine = async () => JSON.parse((await serverLines.next()).value as string) as unknown;
  // Once it listens, the layer has subscribed to the pod's port: the pod's traffic is mirrored to it.
  assert.deepEqual(await nextServerLine(), { listening: pod.port });
  assert.equal(await (await fetch(pod.url("/mirrored"))).text(), "pod ide: GET /mirrored\n");
  assert.deepEqual(await nextServerLine(), { served: "/mirrored" });
  server.kill();

  ide.child.stdin?.write('{"type":"stop"}\n');
  assert.deepEqual(await ide.next("stopped"), { type: "stopped", reason: "stop" });
  assert.equal(await ide.exited, 0);
});

test("closing stdin ends the session as well", async () => {
  const ide = ideStart(["--target", `pid/${pod.pid}`]);
  await ide.next("ready");
  ide.child.stdin?.end();
  assert.deepEqual(await ide.next("stopped"), { type: "stopped", reason: "stdin-closed" });
  assert.equal(await ide.exited, 0);
});
