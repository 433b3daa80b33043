// Bundles the agent with esbuild into agent/dist/: agent.js (the entry) and networker.js (the worker the agent
// starts inside the target's network namespace). Both are self-contained ESM files for Node 20.
import { build } from "esbuild";

await build({
  entryPoints: { agent: "src/main.ts", networker: "src/netns/networker.ts" },
  absWorkingDir: new URL(".", import.meta.url).pathname,
  outdir: "dist",
  bundle: true,
  format: "esm",
  platform: "node",
  target: "node20",
  sourcemap: true,
  logLevel: "warning",
  // Some CommonJS dependencies call require() on node builtins; give the ESM bundle a require.
  banner: {
    js: "import { createRequire as __doppelCreateRequire } from 'node:module'; const require = __doppelCreateRequire(import.meta.url);",
  },
});
