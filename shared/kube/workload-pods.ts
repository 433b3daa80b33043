// Which pods a workload runs: the pods its label selector matches in its namespace, or for a CronJob the pods of
// the Jobs it owns.
import type { V1Pod } from "@kubernetes/client-node";
import type { KubeClient } from "./client.ts";
import { matchLabelsQuery, selectorMatches } from "./label-selector.ts";
import { KIND_ACCESS, listAllPages, type Workload } from "./workloads.ts";

/** Among `pods` (any namespaces), those `workload` runs; `jobs` are needed for CronJobs only. */
export function podsOfWorkload(workload: Workload, pods: readonly V1Pod[], jobs: readonly Workload[]): V1Pod[] {
  const selectors = workload.jobOwner
    ? jobs.filter((job) => job.namespace === workload.namespace && job.ownerUids.includes(workload.uid))
    : [workload];
  return pods.filter(
    (pod) =>
      pod.metadata?.namespace === workload.namespace &&
      selectors.some((s) => s.selector !== null && selectorMatches(s.selector, pod.metadata?.labels)),
  );
}

/** Fetches the pods `workload` runs (the server narrows by matchLabels, the rest is matched here). */
export async function fetchPodsOf(kube: KubeClient, workload: Workload): Promise<V1Pod[]> {
  const { namespace } = workload;
  const jobs = workload.jobOwner
    ? await kube.request({ verb: "list", resource: KIND_ACCESS.job.resource, namespace }, () =>
        listAllPages((page) => KIND_ACCESS.job.list(kube, namespace, page)),
      )
    : [];
  const owners = workload.jobOwner ? jobs.filter((job) => job.ownerUids.includes(workload.uid)) : [workload];
  const pods: V1Pod[] = [];
  for (const owner of owners) {
    if (owner.selector === null) continue;
    const labelSelector = matchLabelsQuery(owner.selector);
    const found = await kube.request({ verb: "list", resource: "pods", namespace }, () =>
      listAllPages((page) => kube.core.listNamespacedPod({ namespace, labelSelector, ...page })),
    );
    pods.push(...found);
  }
  return podsOfWorkload(workload, pods, jobs);
}
