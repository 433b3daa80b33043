// Issue 3 benchmarks: what an HTTP-filtered steal costs, through `doppel exec` on a test-bed pod (root).
// - filtered-steal latency, matched requests: client → pod port → agent (HTTP parse, filter) → session → local app,
//   against the same app reached directly on this machine;
// - filtered-steal latency, unmatched requests: client → pod port → agent → the pod's own app, against the pod's app
//   with no session running;
// - HTTP/2 stream throughput: one 256 MiB response stream through a filtered steal (matched, so it crosses the
//   agent and the session), against the same download from the app directly.
// A bench case (lib/types.ts) for the runner; alone it prints its rows:
//   node --import tsx bench/cases/incoming-http-filter.ts
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import http2 from "node:http2";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { buildAgent } from "../../agent/src/testing/run-agent.ts";
import { doppelExec, stopAllRuns } from "../../test/e2e/doppel-run.ts";
import { buildPrerequisites } from "../../test/e2e/prerequisites.ts";
import { createTestBed, type Pod } from "../../test/pod/index.ts";
import type { BenchCase, CaseContext, Row } from "../lib/types.ts";

const PORT = 8080;
const httpApp = fileURLToPath(new URL("../../test/e2e-incoming/apps/http-app.mjs", import.meta.url));

interface Sizes {
  latencyRequests: number;
  bulkMib: number;
}

function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

/** p50 and p99 in µs of sequential GETs over one keep-alive connection. */
async function latency(
  url: string,
  headers: Record<string, string>,
  requests: number,
): Promise<{ p50: number; p99: number }> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const one = () =>
    new Promise<void>((resolve, reject) => {
      http
        .get(url, { agent, headers }, (response) => {
          response.resume();
          response.on("end", () => resolve());
        })
        .on("error", reject);
    });
  for (let i = 0; i < 50; i++) await one();
  const samples: number[] = [];
  for (let i = 0; i < requests; i++) {
    const start = performance.now();
    await one();
    samples.push((performance.now() - start) * 1000);
  }
  agent.destroy();
  return { p50: percentile(samples, 50), p99: percentile(samples, 99) };
}

/** MB/s of one HTTP/2 response stream of `mebibytes` MiB. */
async function h2Throughput(authority: string, headers: Record<string, string>, mebibytes: number): Promise<number> {
  const session = http2.connect(authority);
  const start = performance.now();
  const bytes = await new Promise<number>((resolve, reject) => {
    const stream = session.request({ ":path": `/bulk/${mebibytes}`, ...headers });
    let total = 0;
    stream.on("data", (chunk: Buffer) => {
      total += chunk.length;
    });
    stream.on("end", () => resolve(total));
    stream.on("error", reject);
    stream.end();
  });
  const seconds = (performance.now() - start) / 1000;
  session.close();
  if (bytes !== mebibytes * 1024 * 1024) throw new Error(`h2 bulk stream delivered ${bytes} bytes`);
  return bytes / 1e6 / seconds;
}

async function freePort(): Promise<number> {
  const server = net.createServer().listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as net.AddressInfo;
  server.close();
  return port;
}

/** The app run directly on this machine, as the local side's "direct" reference. */
async function localApp(mode: "h1" | "h2"): Promise<{ port: number; child: ChildProcess }> {
  const port = await freePort();
  const child = spawn(process.execPath, [httpApp, mode, String(port), "direct"], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  await new Promise<void>((resolve) => child.stdout?.once("data", () => resolve()));
  return { port, child };
}

async function filteredSession(pod: Pod, mode: "h1" | "h2", configDir: string) {
  const config = join(configDir, `${mode}.json`);
  writeFileSync(
    config,
    JSON.stringify({
      feature: { network: { incoming: { mode: "steal", http_filter: { header_filter: "^x-user: alice$" } } } },
    }),
  );
  const run = doppelExec([
    "-t",
    `pid/${pod.pid}`,
    "-f",
    config,
    "--",
    process.execPath,
    httpApp,
    mode,
    String(PORT),
    "local",
  ]);
  await run.line((line) => line.listening === PORT, 45_000);
  return run;
}

async function measure(context: CaseContext): Promise<Row[]> {
  const sizes: Sizes = context.quick ? { latencyRequests: 100, bulkMib: 16 } : { latencyRequests: 1000, bulkMib: 256 };
  buildPrerequisites();
  buildAgent();
  const configDir = mkdtempSync(join(tmpdir(), "dpl-bench-incoming-"));
  const bed = await createTestBed();
  const children: ChildProcess[] = [];
  try {
    const h1Pod = await bed.pod({
      name: "bench-h1",
      command: [process.execPath, httpApp, "h1", String(PORT), "pod"],
      port: PORT,
    });
    const h2Pod = await bed.pod({
      name: "bench-h2",
      command: [process.execPath, httpApp, "h2", String(PORT), "pod"],
      port: PORT,
    });
    const h1Local = await localApp("h1");
    const h2Local = await localApp("h2");
    children.push(h1Local.child, h2Local.child);
    const podUrl = `http://${h1Pod.ip}:${PORT}/bench`;

    const n = sizes.latencyRequests;
    context.log("incoming-http-filter: direct paths");
    const unmatchedDirect = await latency(podUrl, { "x-user": "bob" }, n);
    const matchedDirect = await latency(`http://127.0.0.1:${h1Local.port}/bench`, { "x-user": "alice" }, n);
    const h2Direct = await h2Throughput(`http://127.0.0.1:${h2Local.port}`, { "x-user": "alice" }, sizes.bulkMib);

    context.log("incoming-http-filter: through a filtered steal");
    const h1Session = await filteredSession(h1Pod, "h1", configDir);
    const matched = await latency(podUrl, { "x-user": "alice" }, n);
    const unmatched = await latency(podUrl, { "x-user": "bob" }, n);
    await h1Session.stop();
    const h2Session = await filteredSession(h2Pod, "h2", configDir);
    const h2Doppel = await h2Throughput(`http://${h2Pod.ip}:${PORT}`, { "x-user": "alice" }, sizes.bulkMib);
    await h2Session.stop();

    const matchedNote = "direct: the same app on this machine; doppel: pod port → agent filter → session → app";
    const unmatchedNote = "direct: the pod's app, no session; doppel: pod port → agent filter → the pod's app";

    const latencyRow = (metric: string, direct: number, doppel: number, note: string): Row => ({
      metric,
      unit: "µs",
      direct,
      doppel,
      note,
    });
    return [
      latencyRow("filtered steal, matched request latency p50", matchedDirect.p50, matched.p50, matchedNote),
      latencyRow("filtered steal, matched request latency p99", matchedDirect.p99, matched.p99, matchedNote),
      latencyRow("filtered steal, unmatched request latency p50", unmatchedDirect.p50, unmatched.p50, unmatchedNote),
      latencyRow("filtered steal, unmatched request latency p99", unmatchedDirect.p99, unmatched.p99, unmatchedNote),
      {
        metric: "filtered steal, h2 stream throughput",
        unit: "MB/s",
        direct: h2Direct,
        doppel: h2Doppel,
        note: `one ${sizes.bulkMib} MiB response stream; direct: the app on this machine`,
      },
    ];
  } finally {
    for (const child of children) child.kill();
    await stopAllRuns();
    await bed.destroy();
    rmSync(configDir, { recursive: true, force: true });
  }
}

export const incomingHttpFilter: BenchCase = {
  name: "incoming-http-filter",
  summary: "HTTP-filtered steal: matched/unmatched request latency p50/p99 and h2 stream throughput vs direct",
  run: measure,
};

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const rows = await incomingHttpFilter.run({ quick: process.argv.includes("--quick"), log: (m) => console.error(m) });
  for (const row of rows) {
    const direct = row.direct ?? Number.NaN;
    const compared =
      row.unit === "MB/s"
        ? `${((row.doppel / direct) * 100).toFixed(0)} % of direct`
        : `+${(row.doppel - direct).toFixed(0)} µs`;
    console.log(
      `${row.metric.padEnd(48)} direct ${direct.toFixed(1).padStart(9)} ${row.unit}  doppel ${row.doppel.toFixed(1).padStart(9)} ${row.unit}  (${compared})`,
    );
  }
  console.log(JSON.stringify(rows));
}
