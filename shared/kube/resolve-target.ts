// A target path resolved to the one container a session attaches to: its pod (a random ready one for a workload
// with several, with a warning), container, node, container ID and pod IP. The mirror policy is applied here, so
// nothing downstream can start a session on a refused target.
import { randomInt } from "node:crypto";
import type { V1Pod } from "@kubernetes/client-node";
import { DoppelError, doppelError, isDoppelError } from "../errors.ts";
import { closeMatches } from "../similar-words.ts";
import { parseTarget, type WorkloadKind } from "../target/index.ts";
import type { KubeClient } from "./client.ts";
import { listNamespaces, listTargets } from "./list-targets.ts";
import {
  DEFAULT_CONTAINER_ANNOTATION,
  isPodReady,
  podApplicationContainers,
  podStateText,
  runningContainerId,
} from "./pods.ts";
import { namespaceRefusal, podRefusal } from "./policy.ts";
import type { ResolvedKubeTarget } from "./types.ts";
import { fetchPodsOf } from "./workload-pods.ts";
import { KIND_ACCESS, rolloutsServed } from "./workloads.ts";

const CLOSE_MATCH_LIMIT = 5;

/** Target paths of the namespace close to `name` (same kind first); empty when they cannot be listed. */
async function closeTargets(kube: KubeClient, namespace: string, kind: WorkloadKind, name: string): Promise<string[]> {
  let targets: { path: string; kind: WorkloadKind }[];
  try {
    ({ targets } = await listTargets(kube, { namespace }));
  } catch (error) {
    if (error instanceof DoppelError) return [];
    throw error;
  }
  const byName = new Map<string, { path: string; kind: WorkloadKind }[]>();
  for (const t of targets) {
    const targetName = t.path.split("/")[1] as string;
    byName.set(targetName, [...(byName.get(targetName) ?? []), t]);
  }
  return closeMatches(name, byName.keys(), CLOSE_MATCH_LIMIT)
    .flatMap((near) => (byName.get(near) ?? []).sort((a, b) => Number(b.kind === kind) - Number(a.kind === kind)))
    .map((t) => t.path)
    .slice(0, CLOSE_MATCH_LIMIT);
}

async function targetNotFound(
  kube: KubeClient,
  path: string,
  namespace: string,
  kind: WorkloadKind,
  name: string,
  reason: string,
): Promise<never> {
  throw doppelError.kubeTargetNotFound(path, namespace, reason, await closeTargets(kube, namespace, kind, name));
}

/** Checks the namespace exists and is not opted out. A user who may not read namespaces gets a warning instead. */
async function checkNamespace(kube: KubeClient, path: string, namespace: string, warnings: string[]): Promise<void> {
  try {
    const found = await kube.find({ verb: "get", resource: "namespaces", namespace: null, name: namespace }, () =>
      kube.core.readNamespace({ name: namespace }),
    );
    if (found === null) {
      const known = await listNamespaces(kube, namespace, []);
      throw doppelError.kubeNamespaceNotFound(namespace, closeMatches(namespace, known, 3));
    }
    const refusal = namespaceRefusal(found);
    if (refusal !== null) throw doppelError.kubeTargetRefused(path, namespace, refusal);
  } catch (error) {
    if (!isDoppelError(error, "KUBE_FORBIDDEN")) throw error;
    warnings.push(`the doppel.dev/mirror label of namespace ${namespace} is not checked: ${error.message}`);
  }
}

/** The candidate pods of a target: the pod itself, or every pod the workload runs. */
async function candidatePods(
  kube: KubeClient,
  path: string,
  namespace: string,
  kind: WorkloadKind,
  name: string,
): Promise<V1Pod[]> {
  if (kind === "pod") {
    const pod = await kube.find({ verb: "get", resource: "pods", namespace, name }, () =>
      kube.core.readNamespacedPod({ namespace, name }),
    );
    return pod === null ? targetNotFound(kube, path, namespace, kind, name, "no such pod") : [pod];
  }
  if (kind === "rollout" && !(await rolloutsServed(kube))) {
    return targetNotFound(
      kube,
      path,
      namespace,
      kind,
      name,
      "this cluster does not serve Argo Rollouts (no rollouts.argoproj.io resource)",
    );
  }
  const access = KIND_ACCESS[kind];
  const workload = await kube.find({ verb: "get", resource: access.resource, namespace, name }, () =>
    access.read(kube, namespace, name),
  );
  if (workload === null) return targetNotFound(kube, path, namespace, kind, name, `no such ${kind}`);
  return fetchPodsOf(kube, workload);
}

function chooseContainer(pod: V1Pod, path: string, requested: string | null, warnings: string[]): string {
  const all = (pod.spec?.containers ?? []).map((c) => c.name);
  const name = pod.metadata?.name ?? "";
  if (requested !== null) {
    if (!all.includes(requested)) throw doppelError.kubeContainerNotFound(path, name, requested, all);
    return requested;
  }
  const apps = podApplicationContainers(pod);
  const preferred = pod.metadata?.annotations?.[DEFAULT_CONTAINER_ANNOTATION];
  const chosen = preferred !== undefined && apps.includes(preferred) ? preferred : (apps[0] as string);
  if (apps.length > 1) {
    warnings.push(
      `pod ${name} has containers ${apps.join(", ")}; using ${chosen} (write ${path}/container/<name> to choose another)`,
    );
  }
  return chosen;
}

/** Resolves a Kubernetes target path (`deployment/web`, `pod/web-0/container/app`…) in `namespace` (default: the
 * client's). Throws KUBE_TARGET_NOT_FOUND (with close matches), KUBE_TARGET_NOT_READY, KUBE_TARGET_REFUSED,
 * KUBE_CONTAINER_NOT_FOUND, KUBE_NAMESPACE_NOT_FOUND, or the client's errors. */
export async function resolveTarget(
  kube: KubeClient,
  path: string,
  namespace: string = kube.namespace,
): Promise<ResolvedKubeTarget> {
  const target = parseTarget(path);
  if (target.kind === "pid" || target.kind === "targetless") {
    throw new TypeError(`resolveTarget: ${path} is not a Kubernetes target`);
  }
  const warnings: string[] = [];
  await checkNamespace(kube, path, namespace, warnings);
  const pods = await candidatePods(kube, path, namespace, target.kind, target.name);
  const ready = pods.filter(isPodReady);
  if (ready.length === 0) {
    const states = pods.map((p) => `${p.metadata?.name}: ${podStateText(p)}`).join("; ");
    throw doppelError.kubeTargetNotReady(path, namespace, states === "" ? "it runs no pods" : states);
  }
  const allowed = ready.filter((pod) => podRefusal(pod) === null);
  if (allowed.length === 0) {
    throw doppelError.kubeTargetRefused(path, namespace, podRefusal(ready[0] as V1Pod) as string);
  }
  const pod = allowed[randomInt(allowed.length)] as V1Pod;
  const podName = pod.metadata?.name ?? "";
  if (allowed.length > 1) {
    warnings.push(`${path} runs ${allowed.length} ready pods; using ${podName}, picked at random`);
  }
  const container = chooseContainer(pod, path, target.container, warnings);
  const containerId = runningContainerId(pod, container);
  if (containerId === null) {
    throw doppelError.kubeTargetNotReady(path, namespace, `container ${container} of pod ${podName} is not running`);
  }
  return {
    path,
    namespace,
    pod: podName,
    podUid: pod.metadata?.uid ?? "",
    container,
    containerId,
    node: pod.spec?.nodeName ?? "",
    podIp: pod.status?.podIP ?? "",
    warnings,
  };
}
