// Bundles the CLI (and everything it loads lazily) with esbuild into shared/dist/.
import { build } from "esbuild";

await build({
  entryPoints: { cli: "cli/main.ts" },
  absWorkingDir: new URL(".", import.meta.url).pathname,
  outdir: "dist",
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  sourcemap: true,
  logLevel: "warning",
  // jsonc-parser's "main" is a UMD build whose internal require() calls esbuild cannot follow; bundle its ESM build.
  alias: { "jsonc-parser": "jsonc-parser/lib/esm/main.js" },
  // Some CommonJS dependencies call require() on node builtins; give the ESM bundle a require.
  banner: {
    js: "import { createRequire as __doppelCreateRequire } from 'node:module'; const require = __doppelCreateRequire(import.meta.url);",
  },
});
