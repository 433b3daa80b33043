import assert from "node:assert/strict";
import { test } from "node:test";
import { buildCVectorProgram } from "../c-codec.ts";
import { seededRandom } from "./arbitrary.ts";
import { runBatch } from "./loop.ts";

// A short, fixed-seed slice of the fuzz loop (scripts/fuzz-protocol runs it for minutes with fresh seeds).
test("random and mutated frames: TS decodes cleanly, stream split-invariant, C codec agrees", () => {
  buildCVectorProgram();
  const report = runBatch(seededRandom(20261122), 400);
  assert.deepEqual(report.problems, []);
  assert.ok(report.accepted > 0 && Object.keys(report.rejected).length > 3, JSON.stringify(report.rejected));
});
