// Builds the extension: src/ bundled by esbuild into dist/extension.cjs, and the doppel installation the VSIX
// carries (bundled/: the CLI bundle, the agent bundle and the native layer, in the layout the CLI expects)
// built from this repository. `npm run package` then makes doppel.vsix.
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const here = fileURLToPath(new URL(".", import.meta.url));
const repo = join(here, "../..");

await build({
  entryPoints: [join(here, "src/extension.ts")],
  outfile: join(here, "dist/extension.cjs"),
  bundle: true,
  format: "cjs",
  platform: "node",
  target: "node20",
  external: ["vscode"],
  sourcemap: true,
  logLevel: "warning",
});

// The core's builds, then only what an installation needs (no sources, no maps).
execFileSync("npm", ["run", "build", "-w", "shared", "-w", "agent"], { cwd: repo, stdio: "inherit" });
if (!existsSync(join(repo, "native-layer/build/libdoppel_layer.so"))) {
  execFileSync("make", ["-s", "-C", "native-layer", "-j2"], { cwd: repo, stdio: "inherit" });
}
const bundled = join(here, "bundled");
rmSync(bundled, { recursive: true, force: true });
/** An entry module and every chunk it imports, statically or lazily (shared/dist keeps stale chunks of old builds). */
function reachable(dir, entry, found = new Set()) {
  if (found.has(entry)) return found;
  found.add(entry);
  for (const [, chunk] of readFileSync(join(dir, entry), "utf8").matchAll(/["']\.\/([\w.-]+\.js)["']/g)) {
    reachable(dir, chunk, found);
  }
  return found;
}
const copies = [
  ["shared/dist", [...reachable(join(repo, "shared/dist"), "cli.js")]],
  ["agent/dist", [...reachable(join(repo, "agent/dist"), "agent.js"), "networker.js"]],
  ["native-layer/build", ["libdoppel_layer.so", "dpl-explain-fs"]],
];
for (const [dir, names] of copies) {
  mkdirSync(join(bundled, dir), { recursive: true });
  for (const name of names) cpSync(join(repo, dir, name), join(bundled, dir, name));
}
// The CLI bundle is ESM: its directory needs a package.json that says so.
cpSync(join(repo, "shared/package.json"), join(bundled, "shared/package.json"));
cpSync(join(repo, "agent/package.json"), join(bundled, "agent/package.json"));
