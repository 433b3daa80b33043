// End-to-end measurements of the engine (issue 8 item 9) through `doppel exec` on a test-bed pod (root): stolen
// request latency and keep-alive throughput, outgoing download throughput, remote file reads (64 KiB), small-file
// open+read+close, a 7 KB file read a byte at a time, and the RSS of the doppel process (CLI + session proxy).
// Every path is measured next to its direct equivalent in the same run. Prints a table and one JSON line; asserts
// nothing.   node --import tsx bench/engine.ts
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { doppelExec, stopAllRuns } from "../test/e2e/doppel-run.ts";
import { createTestBed } from "../test/pod/index.ts";

const FILE_BYTES = 64 * 1024 * 1024;
const DOWNLOAD_BYTES = 256 * 1024 * 1024;
const LATENCY_REQUESTS = 2000;
const THROUGHPUT_SECONDS = 3;
const CONCURRENCY = 8;

const client = fileURLToPath(new URL("./apps/engine-client.mjs", import.meta.url));
const server = fileURLToPath(new URL("../test/e2e/apps/probe.mjs", import.meta.url));

function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

function get(agent: http.Agent, url: string): Promise<void> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent }, (response) => {
        response.resume();
        response.on("end", () => resolve());
      })
      .on("error", reject);
  });
}

async function latency(url: string): Promise<{ p50: number; p99: number }> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const samples: number[] = [];
  for (let i = 0; i < LATENCY_REQUESTS; i++) {
    const start = performance.now();
    await get(agent, url);
    samples.push((performance.now() - start) * 1000);
  }
  agent.destroy();
  return { p50: percentile(samples, 50), p99: percentile(samples, 99) };
}

async function throughput(url: string): Promise<number> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  let done = 0;
  const end = performance.now() + THROUGHPUT_SECONDS * 1000;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (performance.now() < end) {
        await get(agent, url);
        done++;
      }
    }),
  );
  agent.destroy();
  return done / THROUGHPUT_SECONDS;
}

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}

const bed = await createTestBed();
const local = mkdtempSync(join(tmpdir(), "dpl-bench-"));
const results: Record<string, number> = {};
try {
  const pod = await bed.pod({
    name: "bench",
    files: { "/srv/big.bin": Buffer.alloc(FILE_BYTES, 7), "/srv/small.txt": "x".repeat(7 * 1024) },
  });
  const bulkScript = `require('net').createServer((s) => s.once('data', () => { let left = ${DOWNLOAD_BYTES}; const chunk = Buffer.alloc(1 << 20, 120); const pump = () => { while (left > 0) { left -= chunk.length; if (!s.write(chunk)) return s.once('drain', pump); } s.end(); }; pump(); })).listen(9000);`;
  const bulk = await bed.pod({ name: "bulk", command: [process.execPath, "-e", bulkScript], port: 9000 });

  // Files: remote (under doppel) vs the same sizes read from a local disk.
  writeFileSync(join(local, "big.bin"), Buffer.alloc(FILE_BYTES, 7));
  writeFileSync(join(local, "small.txt"), "x".repeat(7 * 1024));
  const direct = JSON.parse(
    execFileSync(process.execPath, [client, "files", join(local, "big.bin"), join(local, "small.txt")], {
      encoding: "utf8",
    }),
  );
  const remoteRun = doppelExec(
    ["-t", `pid/${pod.pid}`, "--", process.execPath, client, "files", "/srv/big.bin", "/srv/small.txt"],
    {},
    "built",
  );
  const remote = await remoteRun.line((line) => "fileMBps" in line, 300_000);
  await remoteRun.exited;
  Object.assign(results, {
    file_read_MBps: remote.fileMBps as number,
    file_read_direct_MBps: direct.fileMBps,
    small_file_p50_us: remote.smallP50Us as number,
    small_file_p99_us: remote.smallP99Us as number,
    small_file_direct_p50_us: direct.smallP50Us,
    byte_by_byte_7KB_ms: remote.byteByByteMs as number,
    byte_by_byte_7KB_direct_ms: direct.byteByByteMs,
  });

  // Outgoing: a download from a pod-network server through the pod, vs straight from the host.
  const downloadDirect = JSON.parse(
    execFileSync(process.execPath, [client, "download", bulk.ip, "9000"], { encoding: "utf8" }),
  );
  const downloadRun = doppelExec(
    ["-t", `pid/${pod.pid}`, "--", process.execPath, client, "download", bulk.ip, "9000"],
    {},
    "built",
  );
  const download = await downloadRun.line((line) => "downloadMBps" in line, 300_000);
  await downloadRun.exited;
  results.outgoing_MBps = download.downloadMBps as number;
  results.outgoing_direct_MBps = downloadDirect.downloadMBps;

  // Incoming: the pod's own app (direct) vs a local app stealing its port.
  const directLatency = await latency(pod.url("/direct"));
  const directRate = await throughput(pod.url("/direct"));
  const steal = doppelExec(
    ["-t", `pid/${pod.pid}`, "--steal", "--", process.execPath, server, "serve", "8080", "local"],
    {},
    "built",
  );
  await steal.line((line) => line.listening === 8080, 60_000);
  const stolenLatency = await latency(pod.url("/stolen"));
  const stolenRate = await throughput(pod.url("/stolen"));
  results.doppel_process_rss_MB = rssMb(steal.process.pid as number);
  await steal.stop();
  Object.assign(results, {
    stolen_p50_us: stolenLatency.p50,
    stolen_p99_us: stolenLatency.p99,
    direct_p50_us: directLatency.p50,
    direct_p99_us: directLatency.p99,
    stolen_overhead_p50_us: stolenLatency.p50 - directLatency.p50,
    stolen_overhead_p99_us: stolenLatency.p99 - directLatency.p99,
    stolen_req_per_s: stolenRate,
    direct_req_per_s: directRate,
  });

  const rows: [string, string, string][] = [
    ["remote file read, 64 KiB reads (MB/s)", "file_read_MBps", "file_read_direct_MBps"],
    ["small file open+read+close p50 (µs)", "small_file_p50_us", "small_file_direct_p50_us"],
    ["7 KB file, one byte at a time (ms)", "byte_by_byte_7KB_ms", "byte_by_byte_7KB_direct_ms"],
    ["outgoing download (MB/s)", "outgoing_MBps", "outgoing_direct_MBps"],
    ["stolen request p50 (µs)", "stolen_p50_us", "direct_p50_us"],
    ["stolen request p99 (µs)", "stolen_p99_us", "direct_p99_us"],
    ["keep-alive requests/s", "stolen_req_per_s", "direct_req_per_s"],
  ];
  const cell = (value: number | undefined) =>
    (value === undefined ? "" : value.toFixed(value < 10 ? 2 : 0)).padStart(12);
  process.stdout.write(`${"".padEnd(42)}${"doppel".padStart(12)}${"direct".padStart(12)}${"ratio".padStart(8)}\n`);
  for (const [label, through, straight] of rows) {
    const a = results[through];
    const b = results[straight];
    const ratio = a !== undefined && b ? (a / b).toFixed(2) : "";
    process.stdout.write(`${label.padEnd(42)}${cell(a)}${cell(b)}${ratio.padStart(8)}\n`);
  }
  process.stdout.write(`${"doppel process RSS (MB)".padEnd(42)}${cell(results.doppel_process_rss_MB)}\n`);
  process.stdout.write(`${JSON.stringify({ bench: "engine", ...results })}\n`);
} finally {
  await stopAllRuns();
  await bed.destroy();
  rmSync(local, { recursive: true, force: true });
}
