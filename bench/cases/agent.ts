// Agent-level measurements on a test-bed pod (root), with a protocol client in place of the layer and session
// proxy, to show which part of an end-to-end number the agent takes: remote file reads, small-file latency,
// outgoing download throughput, mirror completeness under keep-alive load, agent RSS. Each path is measured next
// to its direct equivalent in the same run. Component numbers: no targets.

import { readFile } from "node:fs/promises";
import http from "node:http";
import net from "node:net";
import { performance } from "node:perf_hooks";
import { AgentClient } from "../../agent/src/testing/agent-client.ts";
import { runAgent } from "../../agent/src/testing/run-agent.ts";
import { createTestBed } from "../../test/pod/index.ts";
import { memoryMb } from "../lib/process-memory.ts";
import { percentile } from "../lib/stats.ts";
import type { BenchCase, CaseContext, Row } from "../lib/types.ts";

async function measure({ quick }: CaseContext): Promise<Record<string, number>> {
  const fileBytes = (quick ? 16 : 64) * 1024 * 1024;
  const downloadBytes = (quick ? 32 : 256) * 1024 * 1024;
  const smallFileRounds = quick ? 200 : 2000;
  const mirrorRequests = quick ? 200 : 2000;
  const bed = await createTestBed();
  const results: Record<string, number> = {};
  try {
    const script = `require('net').createServer((s) => s.once('data', () => { let left = ${downloadBytes}; const chunk = Buffer.alloc(1 << 20, 120); const pump = () => { while (left > 0) { left -= chunk.length; if (!s.write(chunk)) return s.once('drain', pump); } s.end(); }; pump(); })).listen(9000);`;
    const pod = await bed.pod({
      name: "bench",
      files: { "/srv/big.bin": Buffer.alloc(fileBytes, 7), "/srv/small.txt": "x".repeat(7 * 1024) },
    });
    pod.spawn([process.execPath, "-e", script]);
    const agent = await runAgent(pod.pid);
    const client = await AgentClient.connect(agent.address);
    await client.hello(agent.token);
    const path = (p: string) => Buffer.from(p);

    // Remote file read, 64 KiB requests.
    let start = performance.now();
    const { handle } = await client.call(
      "FILE_OPEN",
      { dir_handle: 0n, flags: 0, mode: 0, path: path("/srv/big.bin") },
      "FILE_HANDLE",
    );
    for (;;) {
      const { data } = await client.call("FILE_READ", { handle, offset: -1n, max_len: 64 * 1024 }, "FILE_DATA");
      if (data.length === 0) break;
    }
    await client.call("FILE_CLOSE", { handle }, "OK");
    results.fileReadMBps = fileBytes / 1e6 / ((performance.now() - start) / 1000);
    start = performance.now();
    await readFile(`${pod.rootPath}/srv/big.bin`);
    results.fileReadDirectMBps = fileBytes / 1e6 / ((performance.now() - start) / 1000);

    // Small file open + read + close.
    const remote: number[] = [];
    const direct: number[] = [];
    for (let i = 0; i < smallFileRounds; i++) {
      let t = performance.now();
      const opened = await client.call(
        "FILE_OPEN",
        { dir_handle: 0n, flags: 0, mode: 0, path: path("/srv/small.txt") },
        "FILE_HANDLE",
      );
      await client.call("FILE_READ", { handle: opened.handle, offset: -1n, max_len: 65536 }, "FILE_DATA");
      await client.call("FILE_CLOSE", { handle: opened.handle }, "OK");
      remote.push(performance.now() - t);
      t = performance.now();
      await readFile(`${pod.rootPath}/srv/small.txt`);
      direct.push(performance.now() - t);
    }
    results.smallFileP50us = percentile(remote, 50) * 1000;
    results.smallFileP99us = percentile(remote, 99) * 1000;
    results.smallFileDirectP50us = percentile(direct, 50) * 1000;

    // Outgoing download through the agent vs straight from the host.
    start = performance.now();
    const { conn_id } = await client.call(
      "NET_CONNECT",
      { protocol: 6, remote: { family: 4, ip: pod.ip, port: 9000 } },
      "NET_CONNECTED",
    );
    client.recordData = false;
    client.send("NET_DATA", 0, { conn_id, data: Buffer.from("go") });
    await client.waitFor(
      (events) => events.some((e) => e.type === "NET_SHUTDOWN" && e.body.conn_id === conn_id),
      120_000,
      "the download",
    );
    client.send("NET_CLOSE", 0, { conn_id, errnum: 0 });
    results.downloadMBps = client.dataBytes / 1e6 / ((performance.now() - start) / 1000);
    client.recordData = true;
    client.events.length = 0;
    start = performance.now();
    await new Promise<void>((resolve) => {
      const socket = net.connect(9000, pod.ip, () => socket.write("go"));
      socket.on("data", () => undefined);
      socket.on("end", resolve);
    });
    results.downloadDirectMBps = downloadBytes / 1e6 / ((performance.now() - start) / 1000);

    // Mirror completeness: keep-alive requests from the host while the agent captures.
    await client.call(
      "IN_SUBSCRIBE",
      {
        port: 8080,
        mode: 1,
        app: { family: 0, ip: "", port: 0 },
        concurrent_steal: 0,
        mirror_percent: 100,
        http_filter: "",
      },
      "OK",
    );
    const keepAlive = new http.Agent({ keepAlive: true, maxSockets: 8 });
    start = performance.now();
    await Promise.all(
      Array.from(
        { length: mirrorRequests },
        (_, i) =>
          new Promise<void>((resolve, reject) => {
            http
              .get({ host: pod.ip, port: 8080, path: `/m${i}`, agent: keepAlive }, (res) =>
                res.resume().on("end", resolve),
              )
              .on("error", reject);
          }),
      ),
    );
    results.mirrorRequestsPerSecond = mirrorRequests / ((performance.now() - start) / 1000);
    keepAlive.destroy();
    await client
      .waitFor(
        (events) => (events.filter((e) => e.type === "NET_CLOSE").length >= 8 ? true : undefined),
        30_000,
        "the mirrored connections to close",
      )
      .catch(() => undefined);
    const mirrored = Buffer.concat(
      client.events.flatMap((e) => (e.type === "NET_DATA" ? [Buffer.from(e.body.data)] : [])),
    ).toString();
    results.mirrorSeen = (mirrored.match(/GET \/m\d+ HTTP/g) ?? []).length;
    results.mirrorSent = mirrorRequests;

    results.agentRssMB = memoryMb(agent.child.pid as number).peak;
    client.close();
    agent.child.kill("SIGTERM");
    await agent.exited;
  } finally {
    await bed.destroy();
  }
  return results;
}

export const agentCase: BenchCase = {
  name: "agent",
  summary: "the agent alone (protocol client, no layer/proxy): file read, small file, download, mirror, RSS",
  async run(context) {
    const r = await measure(context);
    const at = (key: string) => {
      const value = r[key];
      if (value === undefined) throw new Error(`the agent bench measured no ${key}`);
      return value;
    };
    const rows: Row[] = [
      {
        metric: "agent file read, 64 KiB requests",
        unit: "MB/s",
        direct: at("fileReadDirectMBps"),
        doppel: at("fileReadMBps"),
      },
      {
        metric: "agent small file open+read+close p50",
        unit: "µs",
        direct: at("smallFileDirectP50us"),
        doppel: at("smallFileP50us"),
      },
      { metric: "agent outgoing download", unit: "MB/s", direct: at("downloadDirectMBps"), doppel: at("downloadMBps") },
      {
        metric: "agent mirror, keep-alive requests captured",
        unit: "requests",
        direct: at("mirrorSent"),
        doppel: at("mirrorSeen"),
        note: `at ${at("mirrorRequestsPerSecond").toFixed(0)} req/s (8 connections, closed loop)`,
      },
      { metric: "agent peak RSS (agent alone)", unit: "MB", direct: undefined, doppel: at("agentRssMB") },
    ];
    return rows;
  },
};
