// End-to-end faults (issue 8 "Faults"): the session proxy dies under a running app; the agent dies during a steal;
// the target process exits. In each case the app keeps running and the pod is left as it was.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { rmSync } from "node:fs";
import http from "node:http";
import { dirname } from "node:path";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { createTestBed, isRunning, type Pod, type TestBed } from "../pod/index.ts";
import { type DoppelRun, doppelExec, stopAllRuns } from "./doppel-run.ts";
import { buildPrerequisites } from "./prerequisites.ts";

const app = (name: string) => fileURLToPath(new URL(`./apps/${name}`, import.meta.url));
const podFile = "/srv/dpl-e2e/faults.txt";

let bed: TestBed;

before(async () => {
  buildPrerequisites();
  bed = await createTestBed();
});

after(async () => {
  await stopAllRuns();
  await bed?.destroy();
});

function get(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const request = http.get(url, { agent: false, timeout: 3000 }, (response) => {
      let body = "";
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => {
        body += chunk;
      });
      response.on("end", () => resolve(body));
    });
    request.on("timeout", () => request.destroy(new Error("no answer within 3 s")));
    request.on("error", reject);
  });
}

/** The pid of the agent doppel started (a child of the doppel process running agent.js). */
function agentPidOf(run: DoppelRun): number {
  const children = execFileSync("ps", ["--ppid", String(run.process.pid), "-o", "pid=,args="], { encoding: "utf8" });
  const line = children.split("\n").find((entry) => entry.includes("agent.js"));
  assert.ok(line, `no agent among the children of doppel: ${children}`);
  return Number(line.trim().split(/\s+/)[0]);
}

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 20_000): Promise<number> {
  const start = Date.now();
  while (Date.now() - start < timeoutMs) {
    if (await check()) return Date.now() - start;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`${what} did not happen within ${timeoutMs} ms`);
}

async function stolenApp(pod: Pod): Promise<DoppelRun> {
  const run = doppelExec([
    "-t",
    `pid/${pod.pid}`,
    "--steal",
    "--",
    process.execPath,
    app("probe.mjs"),
    "serve",
    "8080",
    "local",
  ]);
  await run.line((line) => line.listening === 8080, 45_000);
  await waitFor("the steal", async () => (await get(pod.url("/probe"))).startsWith("local "));
  return run;
}

function doppelTables(pod: Pod): string {
  return execFileSync("ip", ["netns", "exec", pod.netns, "nft", "list", "tables"], { encoding: "utf8" })
    .split("\n")
    .filter((line) => line.includes("doppel_"))
    .join("\n");
}

describe("faults", () => {
  test("the session proxy is killed: the app's remote files and connections fail, and it keeps running", {
    timeout: 90_000,
  }, async () => {
    const pod = await bed.pod({ name: "proxy-dies", files: { [podFile]: "pod data" } });
    const run = doppelExec([
      "-t",
      `pid/${pod.pid}`,
      "--",
      process.execPath,
      app("keep-reading.mjs"),
      podFile,
      bed.backend.url("/x"),
    ]);
    const healthy = await run.line((line) => line.read === "ok" && line.fetch === "ok", 45_000);
    const appPid = healthy.pid as number;
    // The proxy lives in the doppel process: SIGKILL takes it down with no chance to clean up.
    run.process.kill("SIGKILL");
    await run.finish();
    try {
      const failing = await run.line((line) => line.read !== "ok" && line.fetch !== "ok");
      assert.match(String(failing.read), /^error: /);
      assert.match(String(failing.fetch), /^error: /);
      const later = await run.line((line) => (line.round as number) >= (failing.round as number) + 3);
      assert.ok(later, "the app went on after its proxy died");
      assert.ok(await isRunning(appPid));
    } finally {
      process.kill(appPid, "SIGKILL");
      // doppel died without cleaning up; its session directory is what the next session would sweep.
      rmSync(dirname(String(healthy.session)), { recursive: true, force: true });
    }
  });

  test("the agent is killed with -9 during a steal: the pod serves its own traffic again", {
    timeout: 90_000,
  }, async (t) => {
    const pod = await bed.pod({ name: "agent-dies" });
    const run = await stolenApp(pod);
    t.after(() => run.stop());
    process.kill(agentPidOf(run), "SIGKILL");
    const elapsed = await waitFor("the pod answering itself", async () => {
      try {
        return (await get(pod.url("/after"))).startsWith("pod agent-dies:");
      } catch {
        return false;
      }
    });
    t.diagnostic(`the pod answered itself ${elapsed} ms after the agent was killed`);
    await waitFor("the session's nft table going away", async () => doppelTables(pod) === "");
  });

  test("the target process exits: the agent exits, its redirect is removed, the app keeps running", {
    timeout: 90_000,
  }, async (t) => {
    const pod = await bed.pod({ name: "target-exits" });
    const run = await stolenApp(pod);
    t.after(() => run.stop());
    const agentPid = agentPidOf(run);
    await pod.kill("SIGKILL");
    await waitFor("the agent exiting", async () => !(await isRunning(agentPid)));
    assert.equal(doppelTables(pod), "", "no doppel table is left in the pod's network namespace");
    assert.equal(run.process.exitCode, null, "doppel and its app are still running");
  });
});
