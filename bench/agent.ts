// Agent-level measurements on a test-bed pod (root): remote file reads, small-file latency, outgoing download
// throughput, mirror completeness under keep-alive load, agent RSS. Each path is measured next to its direct
// equivalent in the same run. Prints a table and one JSON line; asserts nothing.
//   node --import tsx bench/agent.ts

import { readFile } from "node:fs/promises";
import http from "node:http";
import net from "node:net";
import { performance } from "node:perf_hooks";
import { AgentClient } from "../agent/src/testing/agent-client.ts";
import { runAgent } from "../agent/src/testing/run-agent.ts";
import { createTestBed } from "../test/pod/index.ts";

const FILE_BYTES = 64 * 1024 * 1024;
const DOWNLOAD_BYTES = 256 * 1024 * 1024;
const SMALL_FILE_ROUNDS = 2000;
const MIRROR_REQUESTS = 2000;

function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

const bed = await createTestBed();
const results: Record<string, number> = {};
try {
  const script = `require('net').createServer((s) => s.once('data', () => { let left = ${DOWNLOAD_BYTES}; const chunk = Buffer.alloc(1 << 20, 120); const pump = () => { while (left > 0) { left -= chunk.length; if (!s.write(chunk)) return s.once('drain', pump); } s.end(); }; pump(); })).listen(9000);`;
  const pod = await bed.pod({
    name: "bench",
    files: { "/srv/big.bin": Buffer.alloc(FILE_BYTES, 7), "/srv/small.txt": "x".repeat(7 * 1024) },
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
  results.fileReadMBps = FILE_BYTES / 1e6 / ((performance.now() - start) / 1000);
  start = performance.now();
  await readFile(`${pod.rootPath}/srv/big.bin`);
  results.fileReadDirectMBps = FILE_BYTES / 1e6 / ((performance.now() - start) / 1000);

  // Small file open + read + close.
  const remote: number[] = [];
  const direct: number[] = [];
  for (let i = 0; i < SMALL_FILE_ROUNDS; i++) {
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
  results.downloadDirectMBps = DOWNLOAD_BYTES / 1e6 / ((performance.now() - start) / 1000);

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
      { length: MIRROR_REQUESTS },
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
  results.mirrorRequestsPerSecond = MIRROR_REQUESTS / ((performance.now() - start) / 1000);
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
  results.mirrorSent = MIRROR_REQUESTS;

  const status = await readFile(`/proc/${agent.child.pid}/status`, "utf8");
  results.agentRssMB = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
  client.close();
  agent.child.kill("SIGTERM");
  await agent.exited;
} finally {
  await bed.destroy();
}
for (const [name, value] of Object.entries(results)) console.log(`${name.padEnd(28)} ${value.toFixed(1)}`);
console.log(JSON.stringify(results));
