// The shipped form of the CLI: shared/build.js bundles it with esbuild and `npx doppel` (shared/bin/doppel.js)
// runs the bundle. Builds first, so the bundle under test is never stale.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { before, test } from "node:test";
import { fileURLToPath } from "node:url";

const shared = fileURLToPath(new URL("../", import.meta.url));

function run(args: string[]) {
  return spawnSync(process.execPath, args, { cwd: shared, encoding: "utf8" });
}

before(() => {
  const build = run(["build.js"]);
  assert.equal(build.status, 0, `npm run build -w shared failed:\n${build.stderr}`);
});

test("the bundle prints its version", () => {
  const result = run(["bin/doppel.js", "--version"]);
  assert.equal(result.status, 0, result.stderr);
  assert.match(result.stdout, /^doppel \d+\.\d+\.\d+/);
});

test("the bundle loads command bodies lazily and parses every format", () => {
  const outputs = ["json", "toml", "yaml"].map((format) => {
    const result = run(["bin/doppel.js", "verify-config", `config/fixtures/same.doppel.${format}`]);
    assert.equal(result.status, 0, result.stderr + result.stdout);
    return JSON.parse(result.stdout).config;
  });
  assert.deepEqual(outputs[1], outputs[0]);
  assert.deepEqual(outputs[2], outputs[0]);
});

test("the bundle reports a bad file as a Fail with exit 1", () => {
  const result = run(["bin/doppel.js", "verify-config", "config/fixtures/missing.doppel.json"]);
  assert.equal(result.status, 1);
  assert.equal(JSON.parse(result.stdout).type, "Fail");
});
