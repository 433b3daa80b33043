// A smoke test of the bench harness (not of doppel's speed): `bench/run.js --quick --only files` runs a real case
// through doppel exec on a test-bed pod, and the results file it writes has the documented shape with finite,
// positive numbers. Needs root (test-bed pods); asserts no timing.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import type { CaseReport, MachineFacts } from "./lib/report.ts";

const runner = fileURLToPath(new URL("./run.js", import.meta.url));

function assertPositive(value: unknown, what: string): void {
  assert.equal(typeof value, "number", `${what} is a number`);
  assert.ok(Number.isFinite(value) && (value as number) > 0, `${what} is finite and positive: ${value}`);
}

test("a quick run of one case writes a table and a results file with finite, positive numbers", async () => {
  const dir = mkdtempSync(join(tmpdir(), "dpl-bench-smoke-"));
  try {
    const resultsFile = join(dir, "results.json");
    const run = spawnSync(process.execPath, [runner, "--quick", "--only", "files", "--results", resultsFile], {
      encoding: "utf8",
      timeout: 600_000,
    });
    assert.equal(run.status, 0, `bench/run.js failed:\n${run.stderr}`);
    for (const column of ["case", "metric", "direct", "doppel", "ratio", "target", "met?"]) {
      assert.match(run.stdout, new RegExp(`\\b${column.replace("?", "\\?")}`), `the table has a ${column} column`);
    }

    const results = JSON.parse(readFileSync(resultsFile, "utf8")) as {
      machine: MachineFacts;
      quick: boolean;
      cases: CaseReport[];
    };
    assert.equal(results.quick, true);
    assertPositive(results.machine.cores, "machine.cores");
    assert.equal(results.machine.loadAverageAtStart.length, 3);
    assert.match(results.machine.node, /^v\d+\./);
    assert.ok(!Number.isNaN(Date.parse(results.machine.date)), "machine.date is a date");

    assert.deepEqual(
      results.cases.map((c) => c.name),
      ["files"],
    );
    const [files] = results.cases as [CaseReport];
    assert.equal(files.error, undefined);
    assert.ok(files.rows.length >= 4, "the files case reports its four metrics");
    for (const row of files.rows) {
      assertPositive(row.direct, `${row.metric} direct`);
      assertPositive(row.doppel, `${row.metric} doppel`);
      assertPositive(row.ratio, `${row.metric} ratio`);
      assert.ok(row.target === null || row.met === true || row.met === false, `${row.metric} has a verdict`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("an unknown case is refused with the list of cases", () => {
  const run = spawnSync(process.execPath, [runner, "--only", "no-such-case"], { encoding: "utf8" });
  assert.equal(run.status, 2);
  assert.match(run.stderr, /no case named "no-such-case"/);
  assert.match(run.stderr, /mirror/);
});
