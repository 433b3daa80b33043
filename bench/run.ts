// The bench runner (`npm run bench`): builds everything, runs each case against its direct path, prints one table
// and writes bench/results.json. Targets are reported as met or not, never asserted.
//   npm run bench -- [--quick] [--only CASE]…
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { repoRoot } from "../test/e2e/doppel-run.ts";
import { agentCase } from "./cases/agent.ts";
import { filesCase } from "./cases/files.ts";
import { incomingHttpFilter } from "./cases/incoming-http-filter.ts";
import { kubeLsCase } from "./cases/kube-ls.ts";
import { kubeSessionCase } from "./cases/kube-session.ts";
import { layerMicrobenchCase } from "./cases/layer-microbench.ts";
import { localWorkCase } from "./cases/local-work.ts";
import { mirrorCase } from "./cases/mirror.ts";
import { outgoingCase } from "./cases/outgoing.ts";
import { stealCase } from "./cases/steal.ts";
import { type CaseReport, formatTable, machineFacts, reportRow } from "./lib/report.ts";
import { stolenRequestTarget, withTargets } from "./lib/targets.ts";
import type { BenchCase } from "./lib/types.ts";

export const cases: readonly BenchCase[] = [
  stealCase,
  withTargets(incomingHttpFilter, stolenRequestTarget),
  outgoingCase,
  filesCase,
  localWorkCase,
  layerMicrobenchCase,
  mirrorCase,
  agentCase,
  kubeLsCase,
  kubeSessionCase,
];

export const resultsPath = fileURLToPath(new URL("./results.json", import.meta.url));

const usage = `usage: npm run bench -- [--quick] [--only CASE]… [--results FILE]
  --quick     shorter runs and smaller files (a smoke run of the harness, not a measurement)
  --only      run only this case (repeatable)
  --results   where to write the JSON (default bench/results.json)
cases:
${cases.map((c) => `  ${c.name.padEnd(18)}${c.summary}`).join("\n")}
`;

function fail(message: string): never {
  process.stderr.write(`bench: ${message}\n${usage}`);
  process.exit(2);
}

const { values } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    only: { type: "string", multiple: true },
    results: { type: "string", default: resultsPath },
    help: { type: "boolean", default: false },
  },
});
if (values.help) {
  process.stdout.write(usage);
  process.exit(0);
}
for (const name of values.only ?? []) {
  if (!cases.some((c) => c.name === name)) fail(`no case named "${name}"`);
}
if (process.getuid?.() !== 0 || process.platform !== "linux") {
  fail("the benches need root on Linux (test-bed pods in network namespaces, a local agent next to them)");
}
const selected = cases.filter((c) => !values.only || values.only.includes(c.name));
const quick = values.quick ?? false;

const machine = machineFacts();
process.stderr.write(
  `bench: load average at start ${machine.loadAverageAtStart.map((l) => l.toFixed(2)).join(" ")} on ${machine.cores} cores\n`,
);
process.stderr.write("bench: building (scripts/build)\n");
execFileSync("bash", ["scripts/build"], { cwd: repoRoot, stdio: ["ignore", 2, 2] });

const reports: CaseReport[] = [];
for (const benchCase of selected) {
  const log = (message: string) => process.stderr.write(`bench ${benchCase.name}: ${message}\n`);
  log(quick ? "starting (quick)" : "starting");
  const start = performance.now();
  const report: CaseReport = { name: benchCase.name, summary: benchCase.summary, seconds: 0, rows: [] };
  try {
    report.rows = (await benchCase.run({ quick, log })).map(reportRow);
  } catch (error) {
    report.error = error instanceof Error ? (error.stack ?? error.message) : String(error);
    log(`failed: ${report.error}`);
  }
  report.seconds = (performance.now() - start) / 1000;
  reports.push(report);
}
machine.loadAverageAtEnd = loadavg();

writeFileSync(values.results ?? resultsPath, `${JSON.stringify({ machine, quick, cases: reports }, null, 2)}\n`);
process.stdout.write(formatTable(reports, machine));
process.stderr.write(`bench: results written to ${values.results}\n`);
process.exitCode = reports.some((r) => r.error) ? 1 : 0;
