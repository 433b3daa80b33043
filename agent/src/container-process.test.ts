import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { once } from "node:events";
import { mkdirSync, readFileSync, rmdirSync } from "node:fs";
import { after, describe, test } from "node:test";
import { setTimeout } from "node:timers/promises";
import { containerIdsIn, findContainerProcess } from "./container-process.ts";

const id = randomBytes(32).toString("hex");

describe("container process from its cgroup", () => {
  test("every runtime's cgroup naming yields the container ID", () => {
    const lines = [
      `0::/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod1.slice/cri-containerd-${id}.scope`,
      `4:pids:/kubepods.slice/kubepods-pod2.slice/crio-${id}.scope`,
      `5:cpu:/system.slice/docker-${id}.scope`,
      `6:memory:/machine.slice/libpod-${id}.scope`,
      `7:cpuacct:/kubepods/burstable/pod0c3b4a1e-aaaa-bbbb-cccc-0123456789ab/${id}`,
      `8:blkio:/docker/${id}`,
    ];
    for (const line of lines) assert.deepEqual([...containerIdsIn(line)], [id], line);
  });

  test("conmon's scope, a pod slice and the root are not a container", () => {
    const text = [`0::/kubepods.slice/crio-conmon-${id}.scope`, "1:pids:/kubepods.slice/kubepods-pod1.slice", "0::/"];
    assert.deepEqual([...containerIdsIn(text.join("\n"))], []);
  });

  describe("scanning /proc (a real cgroup named like containerd's)", () => {
    const scope = `/sys/fs/cgroup/pids/dpl-test-${randomBytes(3).toString("hex")}`;
    const dir = `${scope}/cri-containerd-${id}.scope`;
    const started: ChildProcess[] = [];
    after(async () => {
      // The whole process group (sh and its sleep), then the cgroup once the kernel has let go of both.
      for (const child of started) process.kill(-(child.pid as number), "SIGKILL");
      const deadline = Date.now() + 10_000;
      while (readFileSync(`${dir}/cgroup.procs`, "utf8").trim() !== "") {
        if (Date.now() > deadline) throw new Error(`${dir} still holds ${readFileSync(`${dir}/cgroup.procs`, "utf8")}`);
        await setTimeout(20);
      }
      rmdirSync(dir);
      rmdirSync(scope);
    });

    test("finds the container's first process, not its children, also by a short ID", async () => {
      mkdirSync(dir, { recursive: true });
      // sh joins the cgroup, then forks a sleep that inherits it: sh is the container's main process.
      const main = spawn("sh", ["-c", `echo $$ > ${dir}/cgroup.procs; sleep 30 & echo started; wait`], {
        stdio: ["ignore", "pipe", "ignore"],
        detached: true,
      });
      started.push(main);
      await once(main.stdout as NodeJS.ReadableStream, "data");
      assert.equal(findContainerProcess(id), main.pid);
      assert.equal(findContainerProcess(id.slice(0, 12)), main.pid);
    });

    test("an unknown ID names what the agent needs", () => {
      assert.throws(() => findContainerProcess("f".repeat(64)), /no process of container f+ .*hostPID/);
    });
  });
});
