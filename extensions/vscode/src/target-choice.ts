// What the target picker shows and what it hands to `doppel ide start`, free of the vscode module so it is
// unit-tested directly (also against the real CLI on the cluster test bed): the targets of one namespace grouped
// by kind in a fixed order, and the start options for the chosen target and the namespace it was listed in.
import type { IdeEvent } from "../../../shared/cli/ide-protocol.ts";
import { type ConfigRequest, configArgs } from "./launch-rules.ts";

export type TargetsLine = Extract<IdeEvent, { type: "targets" }>;
export type TargetLine = TargetsLine["targets"][number];

/** The path the picker returns for "No target (targetless)". */
export const TARGETLESS = "targetless";

/** Group order and titles: workloads people pick most first, local processes last; unknown kinds follow. */
const KIND_TITLES: Readonly<Record<string, string>> = {
  pod: "pods",
  deployment: "deployments",
  statefulset: "stateful sets",
  rollout: "rollouts",
  replicaset: "replica sets",
  job: "jobs",
  cronjob: "cron jobs",
  service: "services",
  pid: "local processes (pid)",
};
const KIND_ORDER = Object.keys(KIND_TITLES);

export interface TargetGroup {
  kind: string;
  /** The separator's label. */
  title: string;
  targets: TargetLine[];
}

function rank(kind: string): number {
  const index = KIND_ORDER.indexOf(kind);
  return index === -1 ? KIND_ORDER.length : index;
}

/** The listed targets by kind, in KIND_TITLES order (unknown kinds after, by name); targets keep the CLI's order. */
export function groupTargets(targets: readonly TargetLine[]): TargetGroup[] {
  const kinds = [...new Set(targets.map((target) => target.kind))];
  kinds.sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  return kinds.map((kind) => ({
    kind,
    title: KIND_TITLES[kind] ?? kind,
    targets: targets.filter((target) => target.kind === kind),
  }));
}

/** What the user chose: a target path (or "targetless") and the namespace it was listed in (null: the context's). */
export interface TargetChoice {
  path: string;
  namespace: string | null;
}

/** Choosing a listed target: a Kubernetes one in its own namespace, a local process in none. */
export function choiceOf(target: TargetLine): TargetChoice {
  return { path: target.path, namespace: target.namespace };
}

/** Choosing "No target (targetless)": its agent runs in the namespace listed. */
export function targetlessIn(targets: TargetsLine): TargetChoice {
  return { path: TARGETLESS, namespace: targets.namespace };
}

/** Namespaces offered by "Select another namespace…": the listed ones without the current, sorted. */
export function otherNamespaces(targets: TargetsLine): string[] {
  return targets.namespaces.filter((namespace) => namespace !== targets.namespace).sort();
}

/**
 * The `doppel ide start` options that choose the configuration and the target. The namespace travels in the
 * launch's environment (`--env-json`), which overrides the file as it does for any launch (docs/ide-protocol.md):
 * DOPPEL_TARGET_NAMESPACE for a target, DOPPEL_AGENT_NAMESPACE for targetless (where its agent runs). The launched
 * process does not get it.
 */
export function startArgs(request: ConfigRequest, choice: TargetChoice): string[] {
  const variable = choice.path === TARGETLESS ? "DOPPEL_AGENT_NAMESPACE" : "DOPPEL_TARGET_NAMESPACE";
  const launchEnv =
    choice.namespace === null ? request.launchEnv : { ...request.launchEnv, [variable]: choice.namespace };
  return [...configArgs({ ...request, launchEnv }), "--target", choice.path];
}
