// Remote files: an app under `doppel exec` reads files that exist only in the pod (served by the agent through
// /proc/<pid>/root, with the session's read-ahead), against the same app reading same-sized files on this machine.
// 64 KiB sequential reads of a large file, small-file open+read+close, and a 7 KB file read one byte at a time.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { stopAllRuns } from "../../test/e2e/doppel-run.ts";
import { createTestBed } from "../../test/pod/index.ts";
import { numberIn, resultDirect, resultUnderDoppel } from "../lib/doppel.ts";
import { halfOfDirect } from "../lib/targets.ts";
import type { BenchCase } from "../lib/types.ts";

const client = fileURLToPath(new URL("../apps/engine-client.mjs", import.meta.url));
const SMALL = "x".repeat(7 * 1024);

export const filesCase: BenchCase = {
  name: "files",
  summary: "remote file read MB/s (64 KiB reads), small-file open+read+close, 7 KB read byte by byte, vs local files",
  async run({ quick, log }) {
    const big = Buffer.alloc((quick ? 16 : 64) * 1024 * 1024, 7);
    const smallRounds = String(quick ? 100 : 1000);
    const local = mkdtempSync(join(tmpdir(), "dpl-bench-files-"));
    const bed = await createTestBed();
    try {
      const pod = await bed.pod({ name: "bench-files", files: { "/srv/big.bin": big, "/srv/small.txt": SMALL } });
      writeFileSync(join(local, "big.bin"), big);
      writeFileSync(join(local, "small.txt"), SMALL);
      log("local files");
      const direct = resultDirect([
        process.execPath,
        client,
        "files",
        join(local, "big.bin"),
        join(local, "small.txt"),
        smallRounds,
      ]);
      log("pod files through doppel");
      const remote = await resultUnderDoppel(
        pod.pid,
        [process.execPath, client, "files", "/srv/big.bin", "/srv/small.txt", smallRounds],
        "fileMBps",
      );
      const both = (key: string) => ({ direct: numberIn(direct, key), doppel: numberIn(remote, key) });
      return [
        { metric: "file read, 64 KiB reads", unit: "MB/s", ...both("fileMBps"), target: halfOfDirect },
        {
          metric: "small file open+read+close p50",
          unit: "µs",
          ...both("smallP50Us"),
          target: { kind: "at-most", limit: 150 },
        },
        { metric: "small file open+read+close p99", unit: "µs", ...both("smallP99Us") },
        {
          metric: "7 KB file read one byte at a time",
          unit: "ms",
          ...both("byteByByteMs"),
          target: { kind: "at-most", limit: 50 },
        },
      ];
    } finally {
      await stopAllRuns();
      await bed.destroy();
      rmSync(local, { recursive: true, force: true });
    }
  },
};
