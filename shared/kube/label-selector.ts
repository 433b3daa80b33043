// Label selectors (metav1.LabelSelector) evaluated here, so a listing can match thousands of pods against every
// workload with one pod list. Semantics as in k8s.io/apimachinery: matchLabels and matchExpressions are ANDed;
// an empty selector matches everything.
import type { V1LabelSelector } from "@kubernetes/client-node";

export type Labels = Readonly<Record<string, string>> | undefined;

export function selectorMatches(selector: V1LabelSelector, labels: Labels): boolean {
  const value = (key: string) => labels?.[key];
  const byLabel = Object.entries(selector.matchLabels ?? {}).every(([key, wanted]) => value(key) === wanted);
  return (
    byLabel &&
    (selector.matchExpressions ?? []).every(({ key, operator, values = [] }) => {
      const actual = value(key);
      switch (operator) {
        case "In":
          return actual !== undefined && values.includes(actual);
        case "NotIn":
          return actual === undefined || !values.includes(actual);
        case "Exists":
          return actual !== undefined;
        case "DoesNotExist":
          return actual === undefined;
        default:
          return false;
      }
    })
  );
}

/** A Service's selector (a plain map) as a label selector. Services without one select no pods. */
export function mapSelector(selector: Labels): V1LabelSelector | null {
  return selector === undefined || Object.keys(selector).length === 0 ? null : { matchLabels: { ...selector } };
}

/** The `matchLabels` part as the API's labelSelector parameter, to narrow a pod list on the server. */
export function matchLabelsQuery(selector: V1LabelSelector): string | undefined {
  const pairs = Object.entries(selector.matchLabels ?? {}).map(([key, value]) => `${key}=${value}`);
  return pairs.length === 0 ? undefined : pairs.join(",");
}
