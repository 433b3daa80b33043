// Layer overhead on purely local work: a node and a python script that write, stat, list and read temp files and
// hash JSON (nothing the layer sends to the pod), run plainly and under `doppel exec` with a live session. The
// compared number is CPU time (user + system) of the best round: wall-clock time on a shared machine swings by more
// than the 3 % being measured. Runs alternate and each side keeps its best. The plain run gets the variable doppel
// sets for every app (UV_USE_IO_URING=0), so only the layer differs.
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { stopAllRuns } from "../../test/e2e/doppel-run.ts";
import { createTestBed } from "../../test/pod/index.ts";
import { numberIn, resultDirect, resultUnderDoppel } from "../lib/doppel.ts";
import { localSlowdown } from "../lib/targets.ts";
import type { BenchCase, Row } from "../lib/types.ts";

const nodeWork = fileURLToPath(new URL("../apps/local-work.mjs", import.meta.url));
const pythonWork = fileURLToPath(new URL("../apps/local_work.py", import.meta.url));

/** The interpreter itself, not a version manager's shell shim (which would add its start-up to neither side). */
function pythonExecutable(): string {
  return execFileSync("python3", ["-c", "import sys; print(sys.executable)"], { encoding: "utf8" }).trim();
}

export const localWorkCase: BenchCase = {
  name: "local-work",
  summary: "node and python local fs + CPU work with and without the layer (live session), best round each",
  async run({ quick, log }) {
    const alternations = quick ? 1 : 4;
    const plainEnv = { ...process.env, UV_USE_IO_URING: "0" };
    const rounds = String(quick ? 3 : 15);
    const scripts = [
      { label: "node", argv: [process.execPath, nodeWork, rounds] },
      { label: "python", argv: [pythonExecutable(), pythonWork, rounds] },
    ];
    const bed = await createTestBed();
    try {
      const pod = await bed.pod({ name: "bench-local" });
      const rows: Row[] = [];
      for (const { label, argv } of scripts) {
        let direct = Number.POSITIVE_INFINITY;
        let layered = Number.POSITIVE_INFINITY;
        for (let i = 0; i < alternations; i++) {
          log(`${label}: plain, then under doppel (${i + 1}/${alternations})`);
          direct = Math.min(direct, numberIn(resultDirect(argv, plainEnv), "bestRoundCpuMs"));
          layered = Math.min(
            layered,
            numberIn(await resultUnderDoppel(pod.pid, argv, "bestRoundCpuMs"), "bestRoundCpuMs"),
          );
        }
        rows.push({
          metric: `${label} local fs + CPU round, CPU time`,
          unit: "ms",
          direct,
          doppel: layered,
          target: localSlowdown,
          note: "200 temp files written, stat'ed, listed, read and hashed per round",
        });
      }
      return rows;
    } finally {
      await stopAllRuns();
      await bed.destroy();
    }
  },
};
