import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { describe, test } from "node:test";
import { isSameProcessAlive, processStartTime, watchProcessExit } from "./target-process.ts";

describe("target process liveness", () => {
  test("a running process is alive under its start time only", async () => {
    const child = spawn("sleep", ["30"]);
    const pid = child.pid as number;
    const start = processStartTime(pid) as string;
    assert.equal(isSameProcessAlive(pid, start), true);
    assert.equal(isSameProcessAlive(pid, `${start}1`), false, "same pid, other start time: a recycled pid");
    child.kill("SIGKILL");
    await once(child, "exit");
  });

  test("a zombie (exited, not reaped by its parent) counts as gone", async () => {
    // sh forks sleep and then execs a long sleep that never waits: the short sleep stays a zombie.
    const parent = spawn("sh", ["-c", "sleep 0.1 & echo $!; exec sleep 30"], { stdio: ["ignore", "pipe", "ignore"] });
    const [line] = (await once(parent.stdout as NodeJS.ReadableStream, "data")) as [Buffer];
    const pid = Number(line.toString().trim());
    const start = processStartTime(pid) as string;
    const gone = new Promise<void>((resolve) => watchProcessExit(pid, resolve, 20));
    await gone;
    assert.equal(processStartTime(pid), start, "the zombie is still in /proc");
    assert.equal(isSameProcessAlive(pid, start), false);
    parent.kill("SIGKILL");
  });
});
