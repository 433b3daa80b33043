// Pre-flight: before anything is created, ask the API server (SelfSubjectAccessReview) whether the user may do
// everything the session will do, and report every missing permission in one message rather than failing at
// the first one halfway through a start.

import { doppelError } from "../errors.ts";
import type { WorkloadKind } from "../target/index.ts";
import type { KubeClient } from "./client.ts";
import { KIND_ACCESS } from "./workloads.ts";

/** Where the agent runs: a Job on the target's node, an ephemeral container in the target pod, or a plain pod. */
export type AgentMode = "job" | "ephemeral" | "targetless";

export interface PermissionNeed {
  verb: string;
  /** API group; "" for the core group. */
  group: string;
  resource: string;
  subresource?: string;
  /** Why the session needs it, for the message. */
  why: string;
}

const watchAgentPod: readonly PermissionNeed[] = [
  { verb: "get", group: "", resource: "pods", why: "follow the agent's pod" },
  { verb: "list", group: "", resource: "pods", why: "find the agent's pod" },
  { verb: "watch", group: "", resource: "pods", why: "wait for the agent's pod to start" },
  { verb: "create", group: "", resource: "pods", subresource: "portforward", why: "connect to the agent" },
  { verb: "get", group: "", resource: "pods", subresource: "log", why: "see when the agent listens" },
  { verb: "create", group: "", resource: "secrets", why: "hand the agent its session token" },
  { verb: "delete", group: "", resource: "secrets", why: "remove the session token when the session ends" },
];
/** The token Secret is handed to the agent's Job or pod as its owner, so it goes with it. */
const ownSecret: PermissionNeed = {
  verb: "patch",
  group: "",
  resource: "secrets",
  why: "tie the session token to the agent's lifetime",
};

/** What each agent mode does in the namespace it runs in. */
export const SESSION_PERMISSIONS: Readonly<Record<AgentMode, readonly PermissionNeed[]>> = {
  job: [
    { verb: "create", group: "batch", resource: "jobs", why: "start the agent" },
    { verb: "get", group: "batch", resource: "jobs", why: "follow the agent's Job" },
    { verb: "delete", group: "batch", resource: "jobs", why: "remove the agent when the session ends" },
    { verb: "watch", group: "", resource: "events", why: "see why the agent's Job cannot create its pod" },
    ownSecret,
    ...watchAgentPod,
  ],
  ephemeral: [
    {
      verb: "patch",
      group: "",
      resource: "pods",
      subresource: "ephemeralcontainers",
      why: "add the agent to the target pod",
    },
    ...watchAgentPod,
  ],
  targetless: [
    { verb: "create", group: "", resource: "pods", why: "start the agent" },
    { verb: "delete", group: "", resource: "pods", why: "remove the agent when the session ends" },
    ownSecret,
    ...watchAgentPod,
  ],
};

/** What resolving a target of `kind` reads. */
export function targetReadNeeds(kind: WorkloadKind): PermissionNeed[] {
  const pods: PermissionNeed = { verb: "list", group: "", resource: "pods", why: "find the target's pods" };
  if (kind === "pod") return [{ verb: "get", group: "", resource: "pods", why: "read the target pod" }];
  const [resource = "", group = ""] = KIND_ACCESS[kind].resource.split(/\.(.*)/);
  const read: PermissionNeed = { verb: "get", group, resource, why: `read the target ${kind}` };
  return kind === "cronjob"
    ? [read, { verb: "list", group: "batch", resource: "jobs", why: "find the cronjob's jobs" }, pods]
    : [read, pods];
}

/** `create pods/portforward`, `get deployments.apps`: as `kubectl auth can-i` takes them. */
export function describeNeed(need: PermissionNeed): string {
  const resource = need.group === "" ? need.resource : `${need.resource}.${need.group}`;
  return `${need.verb} ${resource}${need.subresource === undefined ? "" : `/${need.subresource}`}`;
}

/** The needs the user lacks in `namespace`, each as `create jobs.batch in namespace shop (to start the agent)`. */
export async function missingPermissions(
  kube: KubeClient,
  needs: readonly PermissionNeed[],
  namespace: string,
): Promise<string[]> {
  const unique = [...new Map(needs.map((n) => [describeNeed(n), n])).values()];
  const answers = await Promise.all(
    unique.map((need) =>
      kube.request({ verb: "create", resource: "selfsubjectaccessreviews.authorization.k8s.io", namespace: null }, () =>
        kube.authorization.createSelfSubjectAccessReview({
          body: {
            apiVersion: "authorization.k8s.io/v1",
            kind: "SelfSubjectAccessReview",
            spec: {
              resourceAttributes: {
                namespace,
                verb: need.verb,
                group: need.group,
                resource: need.resource,
                subresource: need.subresource,
              },
            },
          },
        }),
      ),
    ),
  );
  return unique.flatMap((need, i) =>
    answers[i]?.status?.allowed === true ? [] : [`${describeNeed(need)} in namespace ${namespace} (to ${need.why})`],
  );
}

export interface PreflightRequest {
  mode: AgentMode;
  /** Where the agent runs: the target's namespace, or `agent.namespace` for targetless. */
  namespace: string;
  /** The target's kind when there is a target: reading it is checked too. */
  targetKind: WorkloadKind | null;
}

/** Throws KUBE_PERMISSIONS_MISSING listing every permission the session lacks; returns when all are granted. */
export async function checkSessionPermissions(kube: KubeClient, request: PreflightRequest): Promise<void> {
  const needs = [
    ...(request.targetKind === null ? [] : targetReadNeeds(request.targetKind)),
    ...SESSION_PERMISSIONS[request.mode],
  ];
  const missing = await missingPermissions(kube, needs, request.namespace);
  if (missing.length > 0) throw doppelError.kubePermissionsMissing(kube.user, kube.context, missing);
}
