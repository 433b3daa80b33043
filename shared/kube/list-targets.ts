// The targets of a namespace (or of all of them): pods that are Running and Ready, one entry per application
// container when a pod has several (mesh sidecars skipped), and every workload kind, each marked available when
// it runs at least one ready pod the mirror policy allows. Pods that are not ready are left out: a session
// cannot attach to them, and their workload shows available: false. Refused pods are listed, not available.
// A kind the user may not list is skipped with a warning; pods are needed.
import type { V1Namespace, V1Pod } from "@kubernetes/client-node";
import { isDoppelError } from "../errors.ts";
import { formatTarget, WORKLOAD_KINDS, type WorkloadKind } from "../target/index.ts";
import type { KubeClient } from "./client.ts";
import { isPodReady, podApplicationContainers, podName } from "./pods.ts";
import { namespaceRefusal, podRefusal } from "./policy.ts";
import { podsOfWorkload } from "./workload-pods.ts";
import { type ControllerKind, KIND_ACCESS, listAllPages, rolloutsServed, type Workload } from "./workloads.ts";

export interface ListedTarget {
  /** Canonical target path: `deployment/web`, `pod/web-0/container/app`. */
  path: string;
  kind: WorkloadKind;
  namespace: string;
  /** A session can start on it now: the pod is ready, or the workload runs at least one ready pod, and the
   * mirror policy (doppel.dev/mirror on the namespace or pod) does not refuse it. */
  available: boolean;
  /** Application containers the target covers (one for a per-container pod entry). */
  containers: string[];
}

export interface TargetListing {
  targets: ListedTarget[];
  /** Every namespace the user may see (only the listed one when namespaces may not be listed). */
  namespaces: string[];
  /** What was left out and why (a kind the user may not list). */
  warnings: string[];
}

export type ListScope = { namespace: string } | { allNamespaces: true };

const where = (namespace: string | null) => (namespace === null ? " in any namespace" : ` in namespace ${namespace}`);

const KIND_ORDER = Object.keys(WORKLOAD_KINDS) as WorkloadKind[];

function podTargets(pod: V1Pod, available: boolean): ListedTarget[] {
  const name = podName(pod);
  const namespace = pod.metadata?.namespace ?? "";
  const containers = podApplicationContainers(pod);
  const entry = (container: string | null, covered: string[]): ListedTarget => ({
    path: formatTarget({ kind: "pod", name, container }),
    kind: "pod",
    namespace,
    available,
    containers: covered,
  });
  return containers.length > 1 ? containers.map((c) => entry(c, [c])) : [entry(null, containers)];
}

function workloadTarget(
  workload: Workload,
  readyPods: readonly V1Pod[],
  usable: ReadonlySet<V1Pod>,
  jobs: readonly Workload[],
): ListedTarget {
  const pods = podsOfWorkload(workload, readyPods, jobs);
  // A Service has no pod template: its containers are those of the pods it selects.
  const containers =
    workload.kind === "service" ? [...new Set(pods.flatMap(podApplicationContainers))].sort() : workload.containers;
  return {
    path: formatTarget({ kind: workload.kind, name: workload.name, container: null }),
    kind: workload.kind,
    namespace: workload.namespace,
    available: pods.some((pod) => usable.has(pod)),
    containers,
  };
}

/** Lists the workloads of one kind; a kind the user may not list is reported in `warnings` and skipped, and so is
 * one the server stopped serving since discovery (a CRD removed in between: 404). */
async function listKind(
  kube: KubeClient,
  kind: ControllerKind,
  namespace: string | null,
  warnings: string[],
): Promise<Workload[]> {
  const access = KIND_ACCESS[kind];
  try {
    const workloads = await kube.find({ verb: "list", resource: access.resource, namespace }, () =>
      listAllPages((page) => access.list(kube, namespace, page)),
    );
    return workloads ?? [];
  } catch (error) {
    if (!isDoppelError(error, "KUBE_FORBIDDEN")) throw error;
    warnings.push(`${access.resource} not listed: user "${kube.user}" may not list them${where(namespace)}`);
    return [];
  }
}

/** Every namespace, or null (with a warning) when the user may not list them. */
async function readNamespaces(kube: KubeClient, warnings: string[]): Promise<V1Namespace[] | null> {
  try {
    return await kube.request({ verb: "list", resource: "namespaces", namespace: null }, () =>
      listAllPages((page) => kube.core.listNamespace(page)),
    );
  } catch (error) {
    if (!isDoppelError(error, "KUBE_FORBIDDEN")) throw error;
    warnings.push(`other namespaces not listed: user "${kube.user}" may not list namespaces`);
    return null;
  }
}

const namesOf = (namespaces: readonly V1Namespace[]) => namespaces.map((n) => n.metadata?.name ?? "").sort();

/** The namespaces the user may see; when they may not list them, just `fallback`, with a warning. */
export async function listNamespaces(kube: KubeClient, fallback: string, warnings: string[]): Promise<string[]> {
  const namespaces = await readNamespaces(kube, warnings);
  return namespaces === null ? [fallback] : namesOf(namespaces);
}

export async function listTargets(kube: KubeClient, scope: ListScope): Promise<TargetListing> {
  const namespace = "namespace" in scope ? scope.namespace : null;
  const warnings: string[] = [];
  const controllerKinds = KIND_ORDER.filter((k): k is ControllerKind => k !== "pod");
  const [pods, namespaces, withRollouts] = await Promise.all([
    kube.request({ verb: "list", resource: "pods", namespace }, () =>
      listAllPages((page) =>
        namespace === null
          ? kube.core.listPodForAllNamespaces(page)
          : kube.core.listNamespacedPod({ namespace, ...page }),
      ),
    ),
    readNamespaces(kube, warnings),
    rolloutsServed(kube),
  ]);
  const kinds = controllerKinds.filter((kind) => kind !== "rollout" || withRollouts);
  const workloads = (await Promise.all(kinds.map((kind) => listKind(kube, kind, namespace, warnings)))).flat();
  const readyPods = pods.filter(isPodReady);
  // The mirror policy as resolveTarget applies it: refused pods are listed, but not available.
  const disabled = new Set((namespaces ?? []).filter((n) => namespaceRefusal(n) !== null).map((n) => n.metadata?.name));
  const usable = new Set(readyPods.filter((pod) => !disabled.has(pod.metadata?.namespace) && podRefusal(pod) === null));
  const jobs = workloads.filter((w) => w.kind === "job");
  const targets = [
    ...readyPods.flatMap((pod) => podTargets(pod, usable.has(pod))),
    ...workloads.filter((w) => !w.idle).map((w) => workloadTarget(w, readyPods, usable, jobs)),
  ].sort(
    (a, b) =>
      a.namespace.localeCompare(b.namespace) ||
      KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind) ||
      a.path.localeCompare(b.path),
  );
  const namespaceNames = namespaces === null ? [namespace ?? kube.namespace] : namesOf(namespaces);
  return { targets, namespaces: namespaceNames, warnings };
}
