// Purely local work for the layer-overhead bench, run with and without doppel: each round writes, stats, lists and
// reads back 200 small files in a temp directory (always local for the layer) and hashes and JSON-encodes some
// data. Prints {"bestRoundMs": …, "bestRoundCpuMs": …} — the fastest of ROUNDS rounds in wall-clock and in CPU time
// (user + system), to damp a shared machine: CPU time does not count the time other processes held the cores.
//   node local-work.mjs [ROUNDS]
import { createHash } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";

const rounds = Number(process.argv[2] ?? 10);
const dir = mkdtempSync(join(tmpdir(), "dpl-local-work-"));
const payload = JSON.stringify(Array.from({ length: 200 }, (_, i) => ({ id: i, name: `item-${i}`, tags: ["a", "b"] })));

function round() {
  let checksum = 0;
  for (let i = 0; i < 200; i++) writeFileSync(join(dir, `f${i}.json`), payload);
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    checksum += statSync(path).size;
    const data = JSON.parse(readFileSync(path, "utf8"));
    checksum += createHash("sha256").update(JSON.stringify(data)).digest()[0];
  }
  return checksum;
}

try {
  round();
  let best = Number.POSITIVE_INFINITY;
  let bestCpu = Number.POSITIVE_INFINITY;
  for (let i = 0; i < rounds; i++) {
    const start = performance.now();
    const cpu = process.cpuUsage();
    round();
    const used = process.cpuUsage(cpu);
    best = Math.min(best, performance.now() - start);
    bestCpu = Math.min(bestCpu, (used.user + used.system) / 1000);
  }
  process.stdout.write(`${JSON.stringify({ bestRoundMs: best, bestRoundCpuMs: bestCpu })}\n`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
