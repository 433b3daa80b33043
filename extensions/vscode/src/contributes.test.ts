// package.json and the shipped schema are generated; this fails when either is stale. Fix: npm run generate
// in extensions/vscode.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { buildContributes, buildSchemaText } from "./contributes.ts";
import { Command, SCHEMA_FILE } from "./identity.ts";

const root = new URL("../", import.meta.url);
const stale = "stale: run `npm run generate` in extensions/vscode";

test("package.json contributes matches identity.ts", () => {
  const manifest = JSON.parse(readFileSync(new URL("package.json", root), "utf8"));
  assert.deepEqual(manifest.contributes, buildContributes(), stale);
});

test("the shipped configuration schema is the core's schema", () => {
  assert.equal(readFileSync(new URL(SCHEMA_FILE, root), "utf8"), buildSchemaText(), stale);
});

test("every command is contributed with a title", () => {
  const commands = buildContributes().commands as { command: string; title: string }[];
  assert.deepEqual(
    commands.map((c) => c.command),
    Object.values(Command),
  );
  for (const command of commands) assert.notEqual(command.title, "");
});
