#!/usr/bin/env node
// Entry for `npx doppel`: runs the esbuild bundle of shared/cli.
import { existsSync } from "node:fs";

const bundle = new URL("../dist/cli.js", import.meta.url);
if (!existsSync(bundle)) {
  process.stderr.write("doppel: the CLI is not built yet. Run `npm run build` in the repository root first.\n");
  process.exit(2);
}
await import(bundle.href);
