import assert from "node:assert/strict";
import { test } from "node:test";
import { REGENERATE_COMMAND, staleFiles } from "./generate.ts";

test("generated files (types.gen.ts, docs/configuration.md) match schema.json", async () => {
  const stale = await staleFiles();
  assert.deepEqual(stale, [], `stale generated files: ${stale.join(", ")}. Regenerate with: ${REGENERATE_COMMAND}`);
});
