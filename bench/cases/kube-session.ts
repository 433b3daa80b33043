// Cluster sessions on the cluster test bed (test/cluster; a running one is reused):
// - session start: `doppel exec -t deploy/web -- node -e …` from the CLI's start to the app's first line, split by
//   the phases the CLI reports (resolve the target, pre-flight, create the agent, wait for it, port-forward and
//   HELLO, env, proxy), the median of a few rounds. The CLI runs under `script` so it sees a terminal and prints
//   its progress, which is timestamped as it arrives.
// - steal latency: GETs to the web pod's port answered by the pod's own app (direct) and by a local app stealing
//   the port through the agent Job and the API server's port-forward (doppel).
import { spawn } from "node:child_process";
import { performance } from "node:perf_hooks";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { useCluster } from "../../test/cluster/testing.ts";
import { doppelExec, stopAllRuns } from "../../test/e2e/doppel-run.ts";
import { appPort, createWorkloads, get, waitFor } from "../../test/kube-e2e/fixture.ts";
import { httpAppArgv } from "../../test/pod/http-app.ts";
import { sequentialLatency } from "../lib/http-load.ts";
import { percentile } from "../lib/stats.ts";
import type { BenchCase, Row } from "../lib/types.ts";

const builtCli = fileURLToPath(new URL("../../shared/bin/doppel.js", import.meta.url));
const APP_LINE = "dpl-bench-app-running";

/** Progress lines of the CLI that end a phase, in order, with the phase they end. */
const PHASES: readonly { ends: RegExp; phase: string }[] = [
  { ends: /resolving /, phase: "CLI start and configuration" },
  { ends: /checking permissions/, phase: "target resolution" },
  { ends: /creating the agent/, phase: "pre-flight (SelfSubjectAccessReview)" },
  { ends: /waiting for the agent to start/, phase: "token Secret and agent Job created" },
  { ends: /connecting to the agent/, phase: "agent pod scheduled, running and listening" },
  { ends: /importing the pod's environment|starting the session proxy/, phase: "port-forward and HELLO" },
  { ends: /running /, phase: "environment and session proxy" },
  { ends: new RegExp(APP_LINE), phase: "app start under the layer" },
];

const shellQuote = (word: string) => `'${word.replaceAll("'", "'\\''")}'`;

/** One session start: ms per phase and in total, from the CLI's progress on a terminal. */
async function timeOneStart(args: readonly string[]): Promise<Map<string, number>> {
  const command = [process.execPath, builtCli, "exec", ...args].map(shellQuote).join(" ");
  const start = performance.now();
  const child = spawn("script", ["-qfec", command, "/dev/null"], { stdio: ["ignore", "pipe", "pipe"] });
  const phases = new Map<string, number>();
  let last = start;
  let next = 0;
  let seen = "";
  for await (const line of createInterface({ input: child.stdout })) {
    seen += `${line}\n`;
    const row = PHASES[next];
    if (row?.ends.test(line)) {
      const now = performance.now();
      // The env phase is skipped when env import is off; its line may not come.
      phases.set(row.phase, now - last);
      last = now;
      next += 1;
    }
  }
  const code = await new Promise<number | null>((resolve) => {
    if (child.exitCode !== null) resolve(child.exitCode);
    else child.once("exit", resolve);
  });
  if (code !== 0 || next < PHASES.length) {
    throw new Error(`doppel exec ${args.join(" ")} exited ${code} after phase ${next}/${PHASES.length}:\n${seen}`);
  }
  phases.set("total (CLI start → app running)", last - start);
  return phases;
}

export const kubeSessionCase: BenchCase = {
  name: "kube-session",
  summary: "cluster session start time by phase; stolen-request latency through the API server's port-forward",
  async run({ quick, log }) {
    const rounds = quick ? 1 : 5;
    const requests = quick ? 100 : 1000;
    const warmup = quick ? 10 : 100;
    const cluster = useCluster("bench-session");
    try {
      log("creating the web and backend Deployments");
      const workloads = createWorkloads(cluster);
      const clusterArgs = ["-t", "deploy/web", "-n", cluster.namespace, "--kubeconfig", cluster.kubeconfig];
      const samples = new Map<string, number[]>();
      for (let round = 1; round <= rounds; round++) {
        log(`session start, round ${round}/${rounds}`);
        const phases = await timeOneStart([...clusterArgs, "--", process.execPath, "-e", `console.log("${APP_LINE}")`]);
        for (const [phase, ms] of phases) samples.set(phase, [...(samples.get(phase) ?? []), ms]);
      }
      const startRows: Row[] = [...samples].map(([phase, values]) => ({
        metric: `session start: ${phase} (median of ${values.length})`,
        unit: "ms",
        direct: undefined,
        doppel: percentile(values, 50),
      }));

      const url = `http://${workloads.webPodIp}:${appPort}/bench`;
      log("direct: the web pod's own app answers");
      const direct = await sequentialLatency(url, requests, warmup);
      log("doppel: a local app steals the port through the cluster agent");
      const app = doppelExec([...clusterArgs, "--steal", "--", ...httpAppArgv("local", appPort)], {}, "built");
      await app.line((line) => line.text === `listening ${appPort}`, 120_000);
      // The steal is in place once a request on a new connection is answered by the local app.
      let answer = "";
      await waitFor(
        "the local app answering the web pod's port",
        async () => {
          answer = await get(url);
          return answer.startsWith("pod local:") ? true : undefined;
        },
        60_000,
        () => `last answer ${answer}; stderr: ${app.stderr}`,
      );
      const stolen = await sequentialLatency(url, requests, warmup);
      await app.stop();
      return [
        ...startRows,
        {
          metric: "stolen request latency p50 (agent Job, API-server port-forward)",
          unit: "µs",
          direct: direct.p50,
          doppel: stolen.p50,
        },
        {
          metric: "stolen request latency p99 (agent Job, API-server port-forward)",
          unit: "µs",
          direct: direct.p99,
          doppel: stolen.p99,
        },
      ];
    } finally {
      await stopAllRuns();
      cluster.release();
    }
  },
};
