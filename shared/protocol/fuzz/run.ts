// The TypeScript side of scripts/fuzz-protocol: runs fuzz batches for a number of seconds.
// Usage: node --import tsx shared/protocol/fuzz/run.ts [seconds=60] [seed=random]
// Exits 1 and prints the seed and the offending inputs when any property fails.
import { buildCVectorProgram } from "../c-codec.ts";
import { seededRandom } from "./arbitrary.ts";
import { runBatch } from "./loop.ts";

const seconds = Number(process.argv[2] ?? 60);
const seed = Number(process.argv[3] ?? Math.floor(Math.random() * 2 ** 32));
if (!Number.isFinite(seconds) || !Number.isInteger(seed)) {
  console.error("usage: run.ts [seconds] [seed]");
  process.exit(2);
}

buildCVectorProgram();
const random = seededRandom(seed);
const deadline = Date.now() + seconds * 1000;
const totals = { cases: 0, accepted: 0, batches: 0, rejected: {} as Record<string, number> };
while (Date.now() < deadline) {
  const report = runBatch(random, 500);
  totals.batches++;
  totals.cases += report.cases;
  totals.accepted += report.accepted;
  for (const [code, n] of Object.entries(report.rejected)) totals.rejected[code] = (totals.rejected[code] ?? 0) + n;
  if (report.problems.length > 0) {
    console.error(
      `protocol fuzz (TS + C differential): ${report.problems.length} problems, seed ${seed}, batch ${totals.batches}`,
    );
    for (const problem of report.problems.slice(0, 10)) console.error(`- ${problem}`);
    process.exit(1);
  }
}
console.log(
  `protocol fuzz (TS + C differential): ${totals.cases} inputs in ${seconds} s, seed ${seed}: ` +
    `${totals.accepted} decoded and re-encoded identically, rejected ${JSON.stringify(totals.rejected)}; no problems`,
);
