// The picker's model: groups by kind in a fixed order, the namespaces to switch to, and what `ide start` is told
// about the chosen target and its namespace.
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  choiceOf,
  groupTargets,
  otherNamespaces,
  startArgs,
  type TargetLine,
  type TargetsLine,
  targetlessIn,
} from "./target-choice.ts";

function line(path: string, namespace: string | null = "shop"): TargetLine {
  const [kind = ""] = path.split("/");
  return { path, kind, name: path, detail: "", namespace, available: true };
}

const listing: TargetsLine = {
  type: "targets",
  namespace: "shop",
  namespaces: ["shop", "default", "billing"],
  targets: [
    line("pid/42", null),
    line("service/web"),
    line("statefulset/db"),
    line("deployment/web"),
    line("pod/web-1"),
    line("deployment/api"),
    line("widget/x"),
    line("pod/web-0"),
  ],
};

test("targets are grouped by kind: pods, deployments, stateful sets, …, local processes, then unknown kinds", () => {
  const groups = groupTargets(listing.targets);
  assert.deepEqual(
    groups.map((group) => [group.title, group.targets.map((target) => target.path)]),
    [
      ["pods", ["pod/web-1", "pod/web-0"]],
      ["deployments", ["deployment/web", "deployment/api"]],
      ["stateful sets", ["statefulset/db"]],
      ["services", ["service/web"]],
      ["local processes (pid)", ["pid/42"]],
      ["widget", ["widget/x"]],
    ],
  );
});

test("no targets, no groups", () => {
  assert.deepEqual(groupTargets([]), []);
});

test('"Select another namespace…" offers the listed namespaces but the current one, sorted', () => {
  assert.deepEqual(otherNamespaces(listing), ["billing", "default"]);
  assert.deepEqual(otherNamespaces({ ...listing, namespaces: ["shop"] }), []);
});

const request = { workspace: "/w", activeOverride: null, launchEnv: { PORT: "8080" } };

test("a Kubernetes target goes to ide start with its namespace as DOPPEL_TARGET_NAMESPACE in the launch env", () => {
  assert.deepEqual(startArgs(request, choiceOf(line("deployment/web", "billing"))), [
    "--workspace",
    "/w",
    "--env-json",
    JSON.stringify({ PORT: "8080", DOPPEL_TARGET_NAMESPACE: "billing" }),
    "--target",
    "deployment/web",
  ]);
});

test("a local process goes to ide start without a namespace; the active config still comes first", () => {
  assert.deepEqual(startArgs({ ...request, activeOverride: "/w/a-doppel.json" }, choiceOf(line("pid/42", null))), [
    "--workspace",
    "/w",
    "--config",
    "/w/a-doppel.json",
    "--env-json",
    JSON.stringify({ PORT: "8080" }),
    "--target",
    "pid/42",
  ]);
});

test("targetless runs its agent in the namespace listed (DOPPEL_AGENT_NAMESPACE), or the context's", () => {
  assert.deepEqual(startArgs(request, targetlessIn(listing)).slice(-4), [
    "--env-json",
    JSON.stringify({ PORT: "8080", DOPPEL_AGENT_NAMESPACE: "shop" }),
    "--target",
    "targetless",
  ]);
  assert.deepEqual(startArgs(request, targetlessIn({ ...listing, namespace: null })).slice(-3), [
    JSON.stringify({ PORT: "8080" }),
    "--target",
    "targetless",
  ]);
});
