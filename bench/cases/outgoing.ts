// Outgoing bulk throughput: an app under `doppel exec` downloads from a server only the pod's network reaches (a
// second pod), so every byte crosses the agent's connection in the pod, the agent link and the session proxy.
// Compared with the same download from inside the pod (the direct path) and over raw loopback on this machine
// (what a local app would get with no network in between).
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { stopAllRuns } from "../../test/e2e/doppel-run.ts";
import { createTestBed } from "../../test/pod/index.ts";
import { numberIn, resultDirect, resultUnderDoppel } from "../lib/doppel.ts";
import { halfOfDirect } from "../lib/targets.ts";
import type { BenchCase } from "../lib/types.ts";

const client = fileURLToPath(new URL("../apps/engine-client.mjs", import.meta.url));
const bulkServer = fileURLToPath(new URL("../apps/bulk-server.mjs", import.meta.url));
const PORT = 9000;

async function loopbackServer(bytes: number): Promise<{ port: number; stop(): void }> {
  const child = spawn(process.execPath, [bulkServer, "0", String(bytes), "127.0.0.1"], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const line = await new Promise<string>((resolve, reject) => {
    child.stdout.once("data", (chunk: Buffer) => resolve(chunk.toString()));
    child.once("exit", (code) => reject(new Error(`bench/apps/bulk-server.mjs exited ${code} before listening`)));
  });
  return { port: (JSON.parse(line) as { listening: number }).listening, stop: () => child.kill() };
}

export const outgoingCase: BenchCase = {
  name: "outgoing",
  summary: "outgoing bulk download MB/s through the pod vs from inside the pod and vs raw loopback",
  async run({ quick, log }) {
    const bytes = (quick ? 32 : 256) * 1024 * 1024;
    const bed = await createTestBed();
    const loopback = await loopbackServer(bytes);
    try {
      const target = await bed.pod({ name: "bench-out" });
      const bulk = await bed.pod({
        name: "bench-bulk",
        command: [process.execPath, bulkServer, String(PORT), String(bytes)],
        port: PORT,
      });
      const download = [process.execPath, client, "download"];
      log("warm-up and loopback");
      resultDirect([...download, "127.0.0.1", String(loopback.port)]);
      const raw = numberIn(resultDirect([...download, "127.0.0.1", String(loopback.port)]), "downloadMBps");
      log("from inside the pod");
      const fromPod = await target.exec([...download, bulk.ip, String(PORT)], { timeoutMs: 600_000 });
      const inPod = numberIn(JSON.parse(fromPod.stdout.trim()), "downloadMBps");
      log("through doppel");
      const line = await resultUnderDoppel(target.pid, [...download, bulk.ip, String(PORT)], "downloadMBps");
      const bytesSeen = numberIn(line, "bytes");
      if (bytesSeen !== bytes) throw new Error(`the download under doppel delivered ${bytesSeen} of ${bytes} bytes`);
      const viaDoppel = numberIn(line, "downloadMBps");
      return [
        {
          metric: "outgoing download vs raw loopback",
          unit: "MB/s",
          direct: raw,
          doppel: viaDoppel,
          target: halfOfDirect,
          note: "direct: the same client and server over 127.0.0.1 on this machine",
        },
        {
          metric: "outgoing download vs from inside the pod",
          unit: "MB/s",
          direct: inPod,
          doppel: viaDoppel,
          target: halfOfDirect,
          note: "direct: the same client run inside the target pod",
        },
      ];
    } finally {
      loopback.stop();
      await stopAllRuns();
      await bed.destroy();
    }
  },
};
