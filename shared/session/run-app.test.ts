import assert from "node:assert/strict";
import { test } from "node:test";
import { runApp } from "./run-app.ts";

test("the exit code is the app's own", async () => {
  assert.equal(await runApp({ command: "sh", args: ["-c", "exit 7"], env: process.env }), 7);
});

test("an app ended by a signal exits like a shell reports it: 128 + the signal number", async () => {
  assert.equal(await runApp({ command: "sh", args: ["-c", "kill -TERM $$"], env: process.env }), 143);
});

test("the app gets the session's environment", async () => {
  const code = await runApp({
    command: "sh",
    args: ["-c", 'test "$DPL_X" = yes'],
    env: { ...process.env, DPL_X: "yes" },
  });
  assert.equal(code, 0);
});

test("a command that does not exist is an error, not an exit code", async () => {
  await assert.rejects(runApp({ command: "dpl-no-such-command", args: [], env: process.env }), /ENOENT/);
});
