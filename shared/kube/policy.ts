// Who may be mirrored, decided by the cluster's owners: namespace label `doppel.dev/mirror` = enabled|disabled
// and pod annotation `doppel.dev/mirror` = true|false. A disabled namespace refuses everything in it, whatever
// its pods say; a pod annotated false is refused.
import type { V1Namespace, V1Pod } from "@kubernetes/client-node";

export const MIRROR_POLICY_KEY = "doppel.dev/mirror";

/** Null when allowed, else why not (naming the label). */
export function namespaceRefusal(namespace: V1Namespace): string | null {
  const value = namespace.metadata?.labels?.[MIRROR_POLICY_KEY];
  return value === "disabled"
    ? `namespace ${namespace.metadata?.name} is labelled ${MIRROR_POLICY_KEY}=disabled, which turns doppel off for every pod in it`
    : null;
}

/** Null when allowed, else why not (naming the annotation). */
export function podRefusal(pod: V1Pod): string | null {
  const value = pod.metadata?.annotations?.[MIRROR_POLICY_KEY];
  return value === "false" ? `pod ${pod.metadata?.name} is annotated ${MIRROR_POLICY_KEY}=false` : null;
}
