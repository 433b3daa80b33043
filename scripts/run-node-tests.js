#!/usr/bin/env node
// Runs every *.test.ts in the repository under node:test (TypeScript through tsx).
// Node 20's runner does not glob .ts files itself, so we collect them here.
// Usage: node scripts/run-node-tests.js [path-substring ...]
import { spawn } from "node:child_process";
import { readdirSync } from "node:fs";
import { join, relative } from "node:path";
import { killAll, processTree } from "./process-tree.mjs";

const root = new URL("..", import.meta.url).pathname;
const skipped = new Set(["node_modules", ".git", "dist", "build", ".cache", "artifacts"]);

function collect(dir, out) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (skipped.has(entry.name)) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) collect(path, out);
    else if (entry.name.endsWith(".test.ts")) out.push(relative(root, path));
  }
  return out;
}

const filters = process.argv.slice(2);
const files = collect(root, [])
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
  .sort();
if (files.length === 0) {
  console.error(`no test files match ${filters.join(" ")}`);
  process.exit(1);
}
// A file whose tests are done but which still holds a handle must not stall the run (--test-force-exit), and the
// whole run has a budget: past it, the processes still running are printed with what they wait in, then killed,
// so a hang shows up in CI's log instead of eating the job's time.
const budgetS = Number(process.env.DOPPEL_TEST_BUDGET_S ?? 2400);
const runner = spawn(
  process.execPath,
  ["--import", "tsx", "--test", "--test-force-exit", "--test-reporter=tap", ...files],
  { cwd: root, stdio: "inherit", detached: true, env: { ...process.env, NO_COLOR: "1" } },
);
const watchdog = setTimeout(() => {
  const processes = processTree(runner.pid);
  console.log(
    `# run-node-tests: still running after ${budgetS} s; stopping. Processes (pid ppid stat secs wchan args):`,
  );
  for (const row of processes) console.log(`#   ${row.text}`);
  // The run's process group also reaches processes started after the listing; the listing reaches those that
  // made groups of their own (test beds).
  killAll([-runner.pid, ...processes.map((row) => row.pid)]);
}, budgetS * 1000);
// The run has its own process group, so Ctrl-C at a terminal reaches only this script: pass it on to the group.
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => process.kill(-runner.pid, signal));
runner.on("exit", (code) => {
  clearTimeout(watchdog);
  process.exit(code ?? 1);
});
