// Issue 8 item 5: nobody but the session's own processes may talk to the agent (it runs as root and reads any file
// of the target) or to the session proxy. Another local user tries every door of a running session.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { dirname, join } from "node:path";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";
import { createTestBed, type TestBed } from "../pod/index.ts";
import { doppelExec, repoRoot, stopAllRuns } from "./doppel-run.ts";
import { buildPrerequisites } from "./prerequisites.ts";

const intruder = fileURLToPath(new URL("./apps/intruder.ts", import.meta.url));
const EACCES = 13;

let bed: TestBed;

before(async () => {
  buildPrerequisites();
  bed = await createTestBed();
});

after(async () => {
  await stopAllRuns();
  await bed?.destroy();
});

/** Where the agent of doppel process `doppelPid` listens (its child running agent.js). */
function agentAddressOf(doppelPid: number): string {
  const children = execFileSync("ps", ["--ppid", String(doppelPid), "-o", "pid=,args="], { encoding: "utf8" });
  const agentPid = children
    .split("\n")
    .find((line) => line.includes("agent.js"))
    ?.trim()
    .split(/\s+/)[0];
  assert.ok(agentPid, `no agent among doppel's children: ${children}`);
  const sockets = execFileSync("ss", ["-Htlnp"], { encoding: "utf8" });
  const line = sockets.split("\n").find((entry) => entry.includes(`pid=${agentPid},`));
  assert.ok(line, `the agent (pid ${agentPid}) listens nowhere: ${sockets}`);
  return line.trim().split(/\s+/)[3] as string;
}

test("another local user cannot reach the proxy socket, read the token, or get past the agent's HELLO", {
  timeout: 90_000,
}, async (t) => {
  const pod = await bed.pod({ name: "guarded" });
  const script =
    "console.log(JSON.stringify({ socket: process.env.DOPPEL_PROXY_SOCKET })); setInterval(() => {}, 1000);";
  const run = doppelExec(["-t", `pid/${pod.pid}`, "--", process.execPath, "-e", script]);
  t.after(() => run.stop());
  const { socket } = (await run.line((line) => typeof line.socket === "string", 45_000)) as { socket: string };
  const agent = agentAddressOf(run.process.pid as number);
  const output = execFileSync(
    "setpriv",
    [
      "--reuid=nobody",
      "--regid=nogroup",
      "--clear-groups",
      "--",
      process.execPath,
      "--import",
      "tsx",
      intruder,
      socket,
      join(dirname(socket), "token"),
      agent,
    ],
    { cwd: repoRoot, encoding: "utf8", env: { ...process.env, HOME: "/nonexistent" } },
  );
  const result = JSON.parse(output) as { uid: number; proxy: string; tokenFile: string; agent: string };
  assert.notEqual(result.uid, 0);
  assert.equal(result.proxy, "EACCES", "the session directory keeps other users away from the proxy socket");
  assert.equal(result.tokenFile, "EACCES", "the token file is the session's alone");
  assert.equal(result.agent, `ERROR errnum ${EACCES}`, "the agent refuses a HELLO without the session token");
});
