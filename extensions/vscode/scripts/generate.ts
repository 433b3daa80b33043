// Writes package.json `contributes` and schemas/ from the extension's identity tables and the core's schema.
// Run after changing a command, a setting or the configuration schema: npm run generate (in extensions/vscode).
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { buildContributes, buildSchemaText } from "../src/contributes.ts";
import { SCHEMA_FILE } from "../src/identity.ts";

const root = fileURLToPath(new URL("..", import.meta.url));
const packagePath = `${root}package.json`;
const manifest = JSON.parse(readFileSync(packagePath, "utf8")) as Record<string, unknown>;
manifest.contributes = buildContributes();
writeFileSync(packagePath, `${JSON.stringify(manifest, null, 2)}\n`);
mkdirSync(dirname(`${root}${SCHEMA_FILE}`), { recursive: true });
writeFileSync(`${root}${SCHEMA_FILE}`, buildSchemaText());
console.log(`wrote ${packagePath} (contributes) and ${SCHEMA_FILE}`);
