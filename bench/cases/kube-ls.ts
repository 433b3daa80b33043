// `doppel ls` on a namespace of 10,000 pods (created through the API, never scheduled: `schedulerName:
// dpl-unscheduled` keeps them Pending at no cost), against `kubectl get pods -o json` on the same namespace in the
// same run: wall time and peak RSS of each process, the median of alternating rounds. Both page through the list
// 500 pods at a time. Needs the cluster test bed (test/cluster): a running one is reused.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { createKubeClient } from "../../shared/kube/client.ts";
import { useCluster } from "../../test/cluster/testing.ts";
import { percentile } from "../lib/stats.ts";
import type { BenchCase, CaseContext, Row } from "../lib/types.ts";

const builtCli = fileURLToPath(new URL("../../shared/bin/doppel.js", import.meta.url));
/** Requests in flight while the pods are created: enough to keep the API server busy, not to swamp it. */
const CREATE_CONCURRENCY = 16;
/** Pods carry one of this many bucket labels, so they are deleted in collections small enough that each request
 * ends well inside the API server's 60 s request timeout (one collection of 10,000 does not). */
const DELETE_BUCKETS = 20;

function pendingPod(index: number) {
  return {
    metadata: {
      name: `bench-${String(index).padStart(5, "0")}`,
      labels: { app: "bench", bucket: String(index % DELETE_BUCKETS) },
    },
    spec: { schedulerName: "dpl-unscheduled", containers: [{ name: "app", image: "busybox" }] },
  };
}

/** Wall time (ms) and peak RSS (MB) of one run of argv, from GNU time; fails on a non-zero exit. */
function measureRun(argv: readonly string[]): { ms: number; mb: number } {
  const start = process.hrtime.bigint();
  // GNU time writes "%M" (max RSS in KiB) as the last stderr line; the command's own stdout is discarded.
  const run = spawnSync("/usr/bin/time", ["-f", "%M", ...argv], {
    encoding: "utf8",
    stdio: ["ignore", "ignore", "pipe"],
    maxBuffer: 64 * 1024 * 1024,
  });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (run.error !== undefined || run.status !== 0) {
    throw new Error(`${argv.join(" ")} failed (${run.error?.message ?? `exit ${run.status}`}): ${run.stderr}`);
  }
  const kib = Number(run.stderr.trim().split("\n").at(-1));
  if (!Number.isFinite(kib)) throw new Error(`no max RSS from /usr/bin/time for ${argv.join(" ")}: ${run.stderr}`);
  return { ms, mb: kib / 1024 };
}

async function measure({ quick, log }: CaseContext): Promise<Row[]> {
  const podCount = quick ? 1000 : 10_000;
  const rounds = quick ? 1 : 3;
  const cluster = useCluster("bench-ls");
  const kube = createKubeClient({
    kubeconfigFlag: cluster.kubeconfig,
    kubeconfigKey: null,
    context: null,
    namespace: cluster.namespace,
    env: process.env,
    cwd: process.cwd(),
  });
  try {
    log(`creating ${podCount} pods in ${cluster.namespace}`);
    let next = 0;
    const createStart = performance.now();
    await Promise.all(
      Array.from({ length: CREATE_CONCURRENCY }, async () => {
        for (let index = next++; index < podCount; index = next++) {
          await kube.request({ verb: "create", resource: "pods", namespace: cluster.namespace }, () =>
            kube.core.createNamespacedPod({ namespace: cluster.namespace, body: pendingPod(index) }),
          );
        }
      }),
    );
    const createSeconds = (performance.now() - createStart) / 1000;
    log(`created in ${createSeconds.toFixed(0)} s`);

    const doppelArgv = [
      process.execPath,
      builtCli,
      "ls",
      "--json",
      "--kubeconfig",
      cluster.kubeconfig,
      "-n",
      cluster.namespace,
    ];
    const kubectlArgv = [
      "kubectl",
      "--kubeconfig",
      cluster.kubeconfig,
      "-n",
      cluster.namespace,
      "get",
      "pods",
      "-o",
      "json",
    ];
    const doppelRuns: { ms: number; mb: number }[] = [];
    const kubectlRuns: { ms: number; mb: number }[] = [];
    for (let round = 0; round < rounds; round++) {
      kubectlRuns.push(measureRun(kubectlArgv));
      doppelRuns.push(measureRun(doppelArgv));
      log(
        `round ${round + 1}/${rounds}: doppel ls ${doppelRuns.at(-1)?.ms.toFixed(0)} ms, kubectl ${kubectlRuns.at(-1)?.ms.toFixed(0)} ms`,
      );
    }
    const median = (runs: { ms: number; mb: number }[], key: "ms" | "mb") =>
      percentile(
        runs.map((r) => r[key]),
        50,
      );
    const note = `${podCount} Pending pods in one namespace; direct = kubectl get pods -o json; median of ${rounds} alternating runs; creating them took ${createSeconds.toFixed(0)} s`;
    return [
      {
        metric: `ls, ${podCount} pods: wall time`,
        unit: "ms",
        direct: median(kubectlRuns, "ms"),
        doppel: median(doppelRuns, "ms"),
        note,
      },
      {
        metric: `ls, ${podCount} pods: peak RSS`,
        unit: "MB",
        direct: median(kubectlRuns, "mb"),
        doppel: median(doppelRuns, "mb"),
      },
    ];
  } finally {
    // Pods go first, a collection per bucket, so that deleting the namespace finds it empty and ends in time.
    try {
      for (let bucket = 0; bucket < DELETE_BUCKETS; bucket++) {
        await kube.request({ verb: "deletecollection", resource: "pods", namespace: cluster.namespace }, () =>
          kube.core.deleteCollectionNamespacedPod({ namespace: cluster.namespace, labelSelector: `bucket=${bucket}` }),
        );
      }
    } finally {
      cluster.release();
    }
  }
}

export const kubeLsCase: BenchCase = {
  name: "kube-ls",
  summary: "doppel ls on a namespace of 10,000 pods vs kubectl get pods -o json: wall time, peak RSS",
  run: measure,
};
