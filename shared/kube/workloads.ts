// Every workload kind a target may name (all but pods), as one table: how to list and read it, and how it picks
// its pods (a label selector; a CronJob through the Jobs it owns). Argo Rollouts are custom resources, present
// only where their CRD is installed.
import type { V1LabelSelector, V1ObjectMeta, V1PodTemplateSpec } from "@kubernetes/client-node";
import type { WorkloadKind } from "../target/index.ts";
import type { KubeClient } from "./client.ts";
import { mapSelector } from "./label-selector.ts";
import { applicationContainers } from "./sidecars.ts";

export type ControllerKind = Exclude<WorkloadKind, "pod">;

export interface Workload {
  kind: ControllerKind;
  name: string;
  namespace: string;
  uid: string;
  /** UIDs of the objects that own it (a CronJob owns its Jobs). */
  ownerUids: string[];
  /** The pods it runs: those its selector matches (null: none, e.g. a Service without a selector). For a CronJob,
   * the pods of the Jobs it owns: `selector` is null and `jobOwner` is true. */
  selector: V1LabelSelector | null;
  jobOwner: boolean;
  /** Application containers of its pod template; empty when it has none (Services). */
  containers: string[];
  /** Scaled to zero on purpose (an old ReplicaSet of a Deployment): not worth listing. */
  idle: boolean;
}

/** One page of a list call: the items and the token of the next page. */
interface Page<T> {
  items: T[];
  metadata?: { _continue?: string };
}
interface PageRequest {
  limit: number;
  _continue?: string;
}

interface KindAccess {
  /** As RBAC and `kubectl auth can-i` spell it. */
  resource: string;
  list(kube: KubeClient, namespace: string | null, page: PageRequest): Promise<Page<Workload>>;
  read(kube: KubeClient, namespace: string, name: string): Promise<Workload>;
}

interface Controller {
  metadata?: V1ObjectMeta;
  spec?: { selector?: V1LabelSelector; replicas?: number; template?: V1PodTemplateSpec };
}

function workload(kind: ControllerKind, object: Controller, fields: Partial<Workload> = {}): Workload {
  return {
    kind,
    name: object.metadata?.name ?? "",
    namespace: object.metadata?.namespace ?? "",
    uid: object.metadata?.uid ?? "",
    ownerUids: (object.metadata?.ownerReferences ?? []).map((o) => o.uid),
    selector: object.spec?.selector ?? null,
    jobOwner: false,
    containers: applicationContainers((object.spec?.template?.spec?.containers ?? []).map((c) => c.name)),
    idle: false,
    ...fields,
  };
}

async function mapPage<T, R>(page: Promise<Page<T>>, convert: (item: T) => R): Promise<Page<R>> {
  const { items, metadata } = await page;
  return { items: items.map(convert), metadata };
}

// Argo Rollouts: a custom resource whose objects the generated client returns as plain JSON.
export const ROLLOUT_GROUP = "argoproj.io";
export const ROLLOUT_VERSION = "v1alpha1";
const rollouts = { group: ROLLOUT_GROUP, version: ROLLOUT_VERSION, plural: "rollouts" };

export const KIND_ACCESS: Readonly<Record<ControllerKind, KindAccess>> = {
  deployment: {
    resource: "deployments.apps",
    list: (kube, namespace, page) =>
      mapPage(
        namespace === null
          ? kube.apps.listDeploymentForAllNamespaces(page)
          : kube.apps.listNamespacedDeployment({ namespace, ...page }),
        (o) => workload("deployment", o),
      ),
    read: async (kube, namespace, name) =>
      workload("deployment", await kube.apps.readNamespacedDeployment({ namespace, name })),
  },
  rollout: {
    resource: "rollouts.argoproj.io",
    list: (kube, namespace, page) =>
      mapPage(
        (namespace === null
          ? kube.custom.listCustomObjectForAllNamespaces({ ...rollouts, ...page })
          : kube.custom.listNamespacedCustomObject({ ...rollouts, namespace, ...page })) as Promise<Page<Controller>>,
        (o) => workload("rollout", o),
      ),
    read: async (kube, namespace, name) =>
      workload(
        "rollout",
        (await kube.custom.getNamespacedCustomObject({ ...rollouts, namespace, name })) as Controller,
      ),
  },
  statefulset: {
    resource: "statefulsets.apps",
    list: (kube, namespace, page) =>
      mapPage(
        namespace === null
          ? kube.apps.listStatefulSetForAllNamespaces(page)
          : kube.apps.listNamespacedStatefulSet({ namespace, ...page }),
        (o) => workload("statefulset", o),
      ),
    read: async (kube, namespace, name) =>
      workload("statefulset", await kube.apps.readNamespacedStatefulSet({ namespace, name })),
  },
  job: {
    resource: "jobs.batch",
    list: (kube, namespace, page) =>
      mapPage(
        namespace === null
          ? kube.batch.listJobForAllNamespaces(page)
          : kube.batch.listNamespacedJob({ namespace, ...page }),
        (o) => workload("job", o),
      ),
    read: async (kube, namespace, name) => workload("job", await kube.batch.readNamespacedJob({ namespace, name })),
  },
  cronjob: {
    resource: "cronjobs.batch",
    list: (kube, namespace, page) =>
      mapPage(
        namespace === null
          ? kube.batch.listCronJobForAllNamespaces(page)
          : kube.batch.listNamespacedCronJob({ namespace, ...page }),
        (o) => cronJobWorkload(o),
      ),
    read: async (kube, namespace, name) => cronJobWorkload(await kube.batch.readNamespacedCronJob({ namespace, name })),
  },
  replicaset: {
    resource: "replicasets.apps",
    list: (kube, namespace, page) =>
      mapPage(
        namespace === null
          ? kube.apps.listReplicaSetForAllNamespaces(page)
          : kube.apps.listNamespacedReplicaSet({ namespace, ...page }),
        (o) => workload("replicaset", o, { idle: o.spec?.replicas === 0 }),
      ),
    read: async (kube, namespace, name) =>
      workload("replicaset", await kube.apps.readNamespacedReplicaSet({ namespace, name })),
  },
  service: {
    resource: "services",
    list: (kube, namespace, page) =>
      mapPage(
        namespace === null
          ? kube.core.listServiceForAllNamespaces(page)
          : kube.core.listNamespacedService({ namespace, ...page }),
        (o) => serviceWorkload(o),
      ),
    read: async (kube, namespace, name) => serviceWorkload(await kube.core.readNamespacedService({ namespace, name })),
  },
};

function cronJobWorkload(object: {
  metadata?: V1ObjectMeta;
  spec?: { jobTemplate: { spec?: { template: V1PodTemplateSpec } } };
}): Workload {
  return workload(
    "cronjob",
    { metadata: object.metadata, spec: { template: object.spec?.jobTemplate.spec?.template } },
    { jobOwner: true },
  );
}

function serviceWorkload(object: { metadata?: V1ObjectMeta; spec?: { selector?: Record<string, string> } }): Workload {
  return workload("service", { metadata: object.metadata }, { selector: mapSelector(object.spec?.selector) });
}

/** Page size of list calls, as kubectl's --chunk-size default. */
export const LIST_CHUNK = 500;

/** Every item of a paged list call. */
export async function listAllPages<T>(fetchPage: (page: PageRequest) => Promise<Page<T>>): Promise<T[]> {
  const items: T[] = [];
  let token: string | undefined;
  do {
    const page = await fetchPage(token === undefined ? { limit: LIST_CHUNK } : { limit: LIST_CHUNK, _continue: token });
    items.push(...page.items);
    token = page.metadata?._continue || undefined;
  } while (token !== undefined);
  return items;
}

/** Whether the cluster serves Argo Rollouts (its CRD is installed); discovery is open to every user. */
export async function rolloutsServed(kube: KubeClient): Promise<boolean> {
  const resources = await kube.find(
    { verb: "get", resource: `apis/${ROLLOUT_GROUP}/${ROLLOUT_VERSION}`, namespace: null },
    () => kube.custom.getAPIResources({ group: ROLLOUT_GROUP, version: ROLLOUT_VERSION }),
  );
  return resources?.resources.some((r) => r.name === rollouts.plural) ?? false;
}
