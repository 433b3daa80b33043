import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { test } from "node:test";
import { sessionProcesses } from "./session-processes.ts";

test("processes are found by the proxy socket in their environment, and no longer once they exit", async () => {
  const socket = `/tmp/doppel-session-test-${process.pid}/proxy.sock`;
  const child = spawn("sleep", ["60"], { env: { ...process.env, DOPPEL_PROXY_SOCKET: socket } });
  const other = spawn("sleep", ["60"], { env: { ...process.env, DOPPEL_PROXY_SOCKET: `${socket}.other` } });
  const exited = once(child, "exit");
  try {
    await Promise.all([once(child, "spawn"), once(other, "spawn")]);
    assert.deepEqual(sessionProcesses(socket), [child.pid]);
  } finally {
    child.kill();
    other.kill();
  }
  await exited;
  assert.deepEqual(sessionProcesses(socket), []);
});
