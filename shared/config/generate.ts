// Writes the files generated from schema.json. Run: npx tsx shared/config/generate.ts
// generate.test.ts fails when a committed file differs from what this would write.
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { renderDocs } from "./render-docs.ts";
import { renderTypes } from "./render-types.ts";

export const REGENERATE_COMMAND = "npx tsx shared/config/generate.ts";

export interface GeneratedFile {
  path: string;
  content: string;
}

const repoRoot = fileURLToPath(new URL("../../", import.meta.url));

/** Lays the markdown out the way `npm run lint` (biome) expects, so the generated file passes the lint. */
function formatMarkdown(markdown: string, path: string): string {
  const biome = spawnSync("node_modules/.bin/biome", ["format", `--stdin-file-path=${path}`], {
    cwd: repoRoot,
    input: markdown,
    encoding: "utf8",
  });
  if (biome.status !== 0) throw new Error(`biome format failed for ${path}: ${biome.stderr}`);
  return biome.stdout;
}

export async function generatedFiles(): Promise<GeneratedFile[]> {
  return [
    { path: `${repoRoot}shared/config/types.gen.ts`, content: await renderTypes() },
    { path: `${repoRoot}docs/configuration.md`, content: formatMarkdown(renderDocs(), "docs/configuration.md") },
  ];
}

/** The generated files whose content on disk differs from what generation produces. */
export async function staleFiles(): Promise<string[]> {
  const stale: string[] = [];
  for (const file of await generatedFiles()) {
    let current: string | undefined;
    try {
      current = readFileSync(file.path, "utf8");
    } catch {
      current = undefined;
    }
    if (current !== file.content) stale.push(file.path);
  }
  return stale;
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  for (const file of await generatedFiles()) {
    writeFileSync(file.path, file.content);
    process.stdout.write(`wrote ${file.path}\n`);
  }
}
