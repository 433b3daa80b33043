// The native layer's own microbench (`make -C native-layer bench`): open+read+close, stat and pread on local files
// in C, without the layer and with it in session mode — time per operation (best of alternating runs) and user-space
// instructions per operation (callgrind, independent of machine load). Parsed from its two tables.
import { execFileSync } from "node:child_process";
import { repoRoot } from "../../test/e2e/doppel-run.ts";
import { localSlowdown } from "../lib/targets.ts";
import type { BenchCase, Row } from "../lib/types.ts";

const operations = ["open+read+close", "stat", "pread(fd)"];

/** The first table line starting with the operation, as numbers: [no layer, pass-through, session, …]. */
function cells(output: string, operation: string, after: number): number[] {
  const line = output
    .slice(after)
    .split("\n")
    .find((l) => l.startsWith(`${operation} `));
  if (!line) throw new Error(`make -C native-layer bench printed no "${operation}" line:\n${output}`);
  return line.slice(operation.length).trim().split(/\s+/).slice(0, 3).map(Number);
}

export const layerMicrobenchCase: BenchCase = {
  name: "layer-microbench",
  summary: "C open+read+close / stat / pread without vs with the layer: ns per op and instructions per op",
  async run({ log }) {
    log("make -C native-layer bench (about a minute: alternating timed runs, then callgrind)");
    const output = execFileSync("make", ["-s", "-C", "native-layer", "bench"], { cwd: repoRoot, encoding: "utf8" });
    const instructionsAt = output.indexOf("instructions per operation");
    const instructionTable = output.lastIndexOf("operation ", instructionsAt);
    const rows: Row[] = [];
    for (const operation of operations) {
      const [plain, , session] = cells(output, operation, 0) as [number, number, number];
      rows.push({
        metric: `C ${operation} time`,
        unit: "ns/op",
        direct: plain,
        doppel: session,
        target: localSlowdown,
      });
    }
    for (const operation of operations) {
      const [plain, , session] = cells(output, operation, instructionTable) as [number, number, number];
      rows.push({
        metric: `C ${operation} instructions`,
        unit: "instr/op",
        direct: plain,
        doppel: session,
        note: "user-space instructions (callgrind); the kernel's share of the call is the same on both sides",
      });
    }
    return rows;
  },
};
