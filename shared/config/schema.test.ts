import assert from "node:assert/strict";
import { test } from "node:test";
import {
  configSchema,
  deref,
  EXPAND_KEYWORD,
  fullFormOf,
  keyPaths,
  type SchemaNode,
  SUPPORT_KEYWORD,
  supportOf,
} from "./schema.ts";

function* allNodes(node: SchemaNode, path: string): Generator<[string, SchemaNode]> {
  yield [path, node];
  for (const [key, child] of Object.entries(node.properties ?? {})) yield* allNodes(child, `${path}.${key}`);
  for (const [i, branch] of (node.anyOf ?? []).entries()) yield* allNodes(branch, `${path}|${i}`);
  for (const [key, def] of Object.entries(node.definitions ?? {})) yield* allNodes(def, `#${key}`);
  if (Array.isArray(node.items)) for (const [i, item] of node.items.entries()) yield* allNodes(item, `${path}[${i}]`);
  else if (node.items !== undefined) yield* allNodes(node.items, `${path}[]`);
}

test("every key has a description and either a default or nested keys that have one", () => {
  for (const { path, node, full } of keyPaths()) {
    const key = path.join(".");
    assert.ok(node.description, `${key} has no description`);
    const container = full.type === "object" && full.properties !== undefined;
    assert.ok(container || "default" in node, `${key} has no default`);
  }
});

test("every union has exactly one full-form branch; the others say how they expand", () => {
  for (const [path, node] of allNodes(configSchema, "")) {
    if (node.anyOf === undefined) continue;
    assert.doesNotThrow(() => fullFormOf(node), path);
    const expanding = node.anyOf.filter((b) => deref(b)[EXPAND_KEYWORD] !== undefined);
    assert.equal(expanding.length, node.anyOf.length - 1, `${path}: shorthand branches without ${EXPAND_KEYWORD}`);
  }
});

test("support markers are 'supported' or 'planned'; target (this issue's own work) is supported", () => {
  for (const [path, node] of allNodes(configSchema, "")) {
    const marker = node[SUPPORT_KEYWORD];
    if (marker !== undefined) assert.ok(marker === "supported" || marker === "planned", path);
  }
  assert.equal(supportOf(["target", "path"]), "supported");
  assert.equal(supportOf(["target", "namespace"]), "supported");
});
