// Mirror loss: an open-loop generator on the host sends GETs to the pod's IP at a fixed rate (5000 req/s for 30 s)
// while a local app under `doppel exec` (mirror mode) receives copies. Direct: the requests the pod's own app
// answered (its /__stats counter); doppel: the copies the local app received. Also the session's RSS under that load.

import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { type DoppelRun, stopAllRuns } from "../../test/e2e/doppel-run.ts";
import { createTestBed } from "../../test/pod/index.ts";
import { underDoppel } from "../lib/doppel.ts";
import { openLoop, sequentialLatency } from "../lib/http-load.ts";
import { sessionMemoryRows } from "../lib/process-memory.ts";
import type { BenchCase, Row } from "../lib/types.ts";

const counter = fileURLToPath(new URL("../apps/mirror-counter.mjs", import.meta.url));
const PORT = 8080;
const WARMUP_BATCH = 20;
const WARMUP_BATCHES = 15;

function copiesSoFar(app: DoppelRun): number {
  for (let i = app.lines.length - 1; i >= 0; i--) {
    const copies = app.lines[i]?.copies;
    if (typeof copies === "number") return copies;
  }
  return 0;
}

/** The copy count once it has not moved for `quietMs` (mirrored data trails the answers), bounded by `limitMs`. */
async function settledCopies(app: DoppelRun, quietMs: number, limitMs: number): Promise<number> {
  const end = Date.now() + limitMs;
  let last = copiesSoFar(app);
  let stableSince = Date.now();
  while (Date.now() < end && Date.now() - stableSince < quietMs) {
    await sleep(250);
    const now = copiesSoFar(app);
    if (now !== last) {
      last = now;
      stableSince = Date.now();
    }
  }
  return last;
}

/**
 * Warm-up: batches of requests until one batch is copied in full. The capture starts in the background after the
 * app's listen, so the first requests of a session may pass before it runs; the loss measured is the steady state's.
 */
async function mirroringComplete(app: DoppelRun, url: string): Promise<void> {
  let copied = 0;
  for (let batch = 0; batch < WARMUP_BATCHES; batch++) {
    const before = await settledCopies(app, 1000, 10_000);
    await sequentialLatency(url, WARMUP_BATCH, 0);
    copied = (await settledCopies(app, 1000, 10_000)) - before;
    if (copied === WARMUP_BATCH) return;
  }
  throw new Error(
    `mirroring copied ${copied} of the last ${WARMUP_BATCH} warm-up requests after ${WARMUP_BATCHES} batches: ${app.stderr}`,
  );
}

export const mirrorCase: BenchCase = {
  name: "mirror",
  summary: "open-loop 5000 req/s for 30 s to the pod: requests the pod answered vs copies the local app received",
  async run({ quick, log }) {
    const rate = quick ? 1000 : 5000;
    const seconds = quick ? 3 : 30;
    const bed = await createTestBed();
    try {
      const pod = await bed.pod({ name: "bench-mirror" });
      const app = underDoppel(pod.pid, [process.execPath, counter, String(PORT)]);
      await app.line((line) => line.listening === PORT, 60_000);
      await mirroringComplete(app, pod.url("/warmup"));

      const answeredBefore = (await pod.stats()).requests;
      const copiesBefore = copiesSoFar(app);
      log(`${rate} req/s for ${seconds} s to ${pod.ip}:${PORT}`);
      const load = openLoop({ host: pod.ip, port: PORT, rate, seconds, connections: 128 });
      await sleep(seconds * 800);
      const memory: Row[] = sessionMemoryRows(app.process.pid as number, `mirror load at ${rate} req/s`);
      const sent = await load;
      const copies = (await settledCopies(app, 3000, 60_000)) - copiesBefore;
      const answered = (await pod.stats()).requests - answeredBefore;
      await app.stop();
      return [
        {
          metric: `mirrored requests, ${rate} req/s for ${seconds} s`,
          unit: "requests",
          direct: answered,
          doppel: copies,
          target: { kind: "none-lost" },
          note: `direct = answered by the pod, doppel = copies received locally; generator sent ${sent.sent} (${(sent.sent / sent.seconds).toFixed(0)} req/s), ${sent.late} due while all 128 connections waited, ${sent.errors} connection errors`,
        },
        ...memory,
      ];
    } finally {
      await stopAllRuns();
      await bed.destroy();
    }
  },
};
