// Stolen requests: a client on the host sends GETs to the pod's IP and port. Direct: the pod's own app answers.
// Doppel: the same app, run locally under `doppel exec --steal`, answers through the redirect, the agent and the
// session proxy. Also the RSS of the session's processes under that load.
import { setTimeout as sleep } from "node:timers/promises";
import { stopAllRuns } from "../../test/e2e/doppel-run.ts";
import { httpAppPath } from "../../test/pod/http-app.ts";
import { createTestBed } from "../../test/pod/index.ts";
import { underDoppel } from "../lib/doppel.ts";
import { keepAliveRate, sequentialLatency } from "../lib/http-load.ts";
import { sessionMemoryRows } from "../lib/process-memory.ts";
import { halfOfDirect, latencyOverheadP50, latencyOverheadP99 } from "../lib/targets.ts";
import type { BenchCase } from "../lib/types.ts";

const PORT = 8080;
const CONCURRENCY = 8;

export const stealCase: BenchCase = {
  name: "steal",
  summary: "stolen-request latency p50/p99 and keep-alive req/s vs the pod's own app; session RSS under that load",
  async run({ quick, log }) {
    const requests = quick ? 200 : 2000;
    const warmup = quick ? 20 : 200;
    const seconds = quick ? 1 : 5;
    const bed = await createTestBed();
    try {
      const pod = await bed.pod({ name: "bench-steal" });
      const url = pod.url("/bench");
      log("direct: the pod's app answers");
      const direct = await sequentialLatency(url, requests, warmup);
      const directRate = await keepAliveRate(url, CONCURRENCY, seconds);

      log("doppel: a local app steals the port");
      const app = underDoppel(
        pod.pid,
        [process.execPath, httpAppPath, "--name", "local", "--port", String(PORT)],
        ["--steal"],
      );
      await app.line((line) => line.text === `listening ${PORT}`, 60_000);
      const stolen = await sequentialLatency(url, requests, warmup);
      const check = await fetch(url);
      const answeredBy = check.headers.get("x-pod");
      await check.text();
      if (answeredBy !== "local") throw new Error(`the stolen port was answered by "${answeredBy}", not the local app`);
      const rate = keepAliveRate(url, CONCURRENCY, seconds);
      await sleep(seconds * 800);
      const memory = sessionMemoryRows(app.process.pid as number, "keep-alive steal load");
      const stolenRate = await rate;
      await app.stop();
      return [
        {
          metric: "stolen request latency p50",
          unit: "µs",
          direct: direct.p50,
          doppel: stolen.p50,
          target: latencyOverheadP50,
        },
        {
          metric: "stolen request latency p99",
          unit: "µs",
          direct: direct.p99,
          doppel: stolen.p99,
          target: latencyOverheadP99,
        },
        {
          metric: `keep-alive requests/s (${CONCURRENCY} connections)`,
          unit: "req/s",
          direct: directRate,
          doppel: stolenRate,
          target: halfOfDirect,
        },
        ...memory,
      ];
    } finally {
      await stopAllRuns();
      await bed.destroy();
    }
  },
};
