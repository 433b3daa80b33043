// What a pod's status says about it as a target: ready or not (and why not), its application containers, and
// the IDs of its running containers.
import type { V1Pod } from "@kubernetes/client-node";
import { applicationContainers } from "./sidecars.ts";

/** kubectl's annotation naming the container `kubectl exec`/`logs` pick when none is given. */
export const DEFAULT_CONTAINER_ANNOTATION = "kubectl.kubernetes.io/default-container";

/** Running, Ready, and not being deleted: a pod a session can attach to. */
export function isPodReady(pod: V1Pod): boolean {
  return (
    pod.status?.phase === "Running" &&
    pod.metadata?.deletionTimestamp === undefined &&
    (pod.status.conditions ?? []).some((c) => c.type === "Ready" && c.status === "True")
  );
}

export function podName(pod: V1Pod): string {
  return pod.metadata?.name ?? "";
}

/** The pod's application containers (mesh sidecars left out). */
export function podApplicationContainers(pod: V1Pod): string[] {
  return applicationContainers((pod.spec?.containers ?? []).map((c) => c.name));
}

/** The container's ID as the status reports it (`containerd://…`), or null while it is not running. */
export function runningContainerId(pod: V1Pod, container: string): string | null {
  const status = (pod.status?.containerStatuses ?? []).find((s) => s.name === container);
  return status?.state?.running !== undefined && status.containerID ? status.containerID : null;
}

/** Why a pod is not ready, in a few words: `Pending (Unschedulable)`, `Running, not ready`, `terminating`. */
export function podStateText(pod: V1Pod): string {
  if (pod.metadata?.deletionTimestamp !== undefined) return "terminating";
  const phase = pod.status?.phase ?? "Unknown";
  const waiting = (pod.status?.containerStatuses ?? []).flatMap((s) =>
    s.state?.waiting?.reason ? [`${s.name}: ${s.state.waiting.reason}`] : [],
  );
  const scheduled = (pod.status?.conditions ?? []).find((c) => c.type === "PodScheduled" && c.status === "False");
  const reason = waiting.length > 0 ? waiting.join(", ") : (scheduled?.reason ?? pod.status?.reason);
  if (phase === "Running") return isPodReady(pod) ? "Running, ready" : "Running, not ready";
  return reason === undefined ? phase : `${phase} (${reason})`;
}
