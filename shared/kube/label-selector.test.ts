// Label selectors evaluated locally must agree with the API server's semantics: matchLabels and every
// matchExpressions operator, ANDed.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { V1LabelSelector } from "@kubernetes/client-node";
import { mapSelector, matchLabelsQuery, selectorMatches } from "./label-selector.ts";

const labels = { app: "web", tier: "front" };
const cases: [string, V1LabelSelector, boolean][] = [
  ["empty selector matches everything", {}, true],
  ["matchLabels equal", { matchLabels: { app: "web" } }, true],
  ["matchLabels differ", { matchLabels: { app: "db" } }, false],
  ["matchLabels key absent", { matchLabels: { team: "a" } }, false],
  ["In", { matchExpressions: [{ key: "tier", operator: "In", values: ["front", "back"] }] }, true],
  ["In, key absent", { matchExpressions: [{ key: "team", operator: "In", values: ["a"] }] }, false],
  ["NotIn", { matchExpressions: [{ key: "tier", operator: "NotIn", values: ["front"] }] }, false],
  ["NotIn, key absent", { matchExpressions: [{ key: "team", operator: "NotIn", values: ["a"] }] }, true],
  ["Exists", { matchExpressions: [{ key: "app", operator: "Exists" }] }, true],
  ["DoesNotExist", { matchExpressions: [{ key: "app", operator: "DoesNotExist" }] }, false],
  [
    "matchLabels and matchExpressions are ANDed",
    { matchLabels: { app: "web" }, matchExpressions: [{ key: "tier", operator: "In", values: ["back"] }] },
    false,
  ],
];

for (const [name, selector, expected] of cases) {
  test(`selector: ${name}`, () => assert.equal(selectorMatches(selector, labels), expected));
}

test("a Service selector is matchLabels; a Service without one selects nothing", () => {
  assert.deepEqual(mapSelector({ app: "web" }), { matchLabels: { app: "web" } });
  assert.equal(mapSelector({}), null);
  assert.equal(mapSelector(undefined), null);
});

test("matchLabels as the API's labelSelector parameter", () => {
  assert.equal(matchLabelsQuery({ matchLabels: { app: "web", tier: "front" } }), "app=web,tier=front");
  assert.equal(matchLabelsQuery({ matchExpressions: [{ key: "app", operator: "Exists" }] }), undefined);
});
