import assert from "node:assert/strict";
import { test } from "node:test";
import type { SchemaNode } from "./schema.ts";
import { supportOf } from "./schema.ts";
import { plannedKeysIn } from "./support.ts";

// A fixed schema, so these tests do not change as keys of the real one become supported.
const schema: SchemaNode = {
  type: "object",
  properties: {
    done: { type: "string", "x-doppel-support": "supported" },
    later: { type: "boolean", "x-doppel-support": "planned" },
    group: {
      type: "object",
      properties: {
        table: {
          type: "object",
          "x-doppel-support": "planned",
          properties: { a: { type: "string" }, b: { type: "string" } },
        },
        open: { type: "string" },
      },
    },
  },
};

test("set planned keys are listed; supported and unmarked keys are not", () => {
  assert.deepEqual(plannedKeysIn({ done: "x", later: true, group: { open: "y" } }, schema), [["later"]]);
});

test("a planned table is one entry however many keys inside are set", () => {
  assert.deepEqual(plannedKeysIn({ group: { table: { a: "1", b: "2" } } }, schema), [["group", "table"]]);
});

test("nothing set, nothing listed", () => {
  assert.deepEqual(plannedKeysIn({}, schema), []);
});

test("support is inherited from the nearest marked key", () => {
  assert.equal(supportOf(["group", "table", "a"], schema), "planned");
  assert.equal(supportOf(["done"], schema), "supported");
  assert.equal(supportOf(["group", "open"], schema), undefined);
});
