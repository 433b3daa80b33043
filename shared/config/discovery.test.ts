import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, describe, test } from "node:test";
import { DoppelError, ErrorCode } from "../errors.ts";
import { listConfigCandidates, whichConfig } from "./discovery.ts";

const root = mkdtempSync(join(tmpdir(), "doppel-discovery-test-"));
after(() => rmSync(root, { recursive: true, force: true }));

let counter = 0;
/** A fresh workspace holding the given files (paths relative to it; a trailing "/" makes a directory). */
function workspace(files: string[]): string {
  const dir = join(root, `ws${counter++}`);
  mkdirSync(dir);
  for (const file of files) {
    const path = join(dir, file);
    if (file.endsWith("/")) mkdirSync(path, { recursive: true });
    else {
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, "{}");
    }
  }
  return dir;
}

function assertRelativePathRejected(fn: () => unknown, variable: string) {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof DoppelError);
    assert.equal(error.code, ErrorCode.ConfigPathNotAbsolute);
    assert.match(error.message, new RegExp(`${variable} must be an absolute path, got "rel/doppel.json"`));
    assert.ok(error.hint);
    return true;
  });
}

describe("whichConfig: the first rule that finds a file wins", () => {
  test("1. the active override beats everything; a relative one is taken from the workspace", () => {
    const ws = workspace([".doppel/doppel.json", ".mirrord/mirrord.json"]);
    const env = { DOPPEL_CONFIG_FILE: "/abs/env.json", MIRRORD_CONFIG_FILE: "/abs/m.json" };
    assert.deepEqual(whichConfig({ workspace: ws, active: "/abs/active.yaml", env }), {
      path: "/abs/active.yaml",
      source: "active",
    });
    assert.deepEqual(whichConfig({ workspace: ws, active: "cfg/a.doppel.toml", env }), {
      path: join(ws, "cfg/a.doppel.toml"),
      source: "active",
    });
  });

  test("an empty or null active override is no override", () => {
    const ws = workspace([".doppel/doppel.json"]);
    for (const active of [null, ""]) {
      assert.equal(whichConfig({ workspace: ws, active, env: {} }).source, "default");
    }
  });

  test("2. DOPPEL_CONFIG_FILE beats the .doppel directory", () => {
    const ws = workspace([".doppel/doppel.json"]);
    assert.deepEqual(whichConfig({ workspace: ws, env: { DOPPEL_CONFIG_FILE: "/etc/x.doppel.yaml" } }), {
      path: "/etc/x.doppel.yaml",
      source: "env",
    });
  });

  test("DOPPEL_CONFIG_FILE must be absolute", () => {
    const ws = workspace([]);
    assertRelativePathRejected(
      () => whichConfig({ workspace: ws, env: { DOPPEL_CONFIG_FILE: "rel/doppel.json" } }),
      "DOPPEL_CONFIG_FILE",
    );
  });

  test("an empty DOPPEL_CONFIG_FILE counts as unset", () => {
    const ws = workspace([".doppel/doppel.json"]);
    assert.equal(whichConfig({ workspace: ws, env: { DOPPEL_CONFIG_FILE: "" } }).source, "default");
  });

  test("3. the lexicographically first *doppel.<ext> file in .doppel/", () => {
    const ws = workspace([
      ".doppel/staging.doppel.yaml",
      ".doppel/doppel.toml",
      ".doppel/b.doppel.json",
      ".doppel/README.md",
      ".doppel/notes.json",
      ".doppel/a.doppel.json/",
      ".doppel/nested/0.doppel.json",
    ]);
    assert.deepEqual(whichConfig({ workspace: ws, env: {} }), {
      path: join(ws, ".doppel/b.doppel.json"),
      source: "default",
    });
  });

  test("each extension is found (json, toml, yml, yaml)", () => {
    for (const ext of ["json", "toml", "yml", "yaml"]) {
      const ws = workspace([`.doppel/doppel.${ext}`]);
      assert.equal(whichConfig({ workspace: ws, env: {} }).path, join(ws, `.doppel/doppel.${ext}`));
    }
  });

  test("4. MIRRORD_CONFIG_FILE comes after the .doppel directory", () => {
    const withDefault = workspace([".doppel/doppel.json"]);
    const env = { MIRRORD_CONFIG_FILE: "/abs/mirrord.json" };
    assert.equal(whichConfig({ workspace: withDefault, env }).source, "default");
    const without = workspace([".mirrord/mirrord.json"]);
    assert.deepEqual(whichConfig({ workspace: without, env }), { path: "/abs/mirrord.json", source: "alias-env" });
  });

  test("MIRRORD_CONFIG_FILE must be absolute too", () => {
    assertRelativePathRejected(
      () => whichConfig({ workspace: workspace([]), env: { MIRRORD_CONFIG_FILE: "rel/doppel.json" } }),
      "MIRRORD_CONFIG_FILE",
    );
  });

  test("DOPPEL_CONFIG_FILE beats MIRRORD_CONFIG_FILE", () => {
    const env = { DOPPEL_CONFIG_FILE: "/abs/d.json", MIRRORD_CONFIG_FILE: "/abs/m.json" };
    assert.equal(whichConfig({ workspace: workspace([]), env }).source, "env");
  });

  test("5. then the first *mirrord.<ext> file in .mirrord/", () => {
    const ws = workspace([".mirrord/z.mirrord.json", ".mirrord/mirrord.yaml", ".mirrord/doppel.json"]);
    assert.deepEqual(whichConfig({ workspace: ws, env: {} }), {
      path: join(ws, ".mirrord/mirrord.yaml"),
      source: "alias-default",
    });
  });

  test("6. otherwise none: defaults apply", () => {
    const ws = workspace(["doppel.json", ".doppel/other.txt"]);
    assert.deepEqual(whichConfig({ workspace: ws, env: {} }), { path: null, source: "none" });
  });
});

describe("listConfigCandidates", () => {
  test("brand directories and brand file names anywhere, minus dependencies and build output, sorted", () => {
    const ws = workspace([
      ".doppel/doppel.json",
      ".doppel/staging.yaml",
      ".doppel/README.md",
      "services/api/.mirrord/mirrord.json",
      "services/api/.mirrord/dev.toml",
      "services/api/local.doppel.yml",
      "services/web/web-mirrord.yaml",
      "envs/prod.doppel/config.toml",
      "envs/prod.doppel/notes.txt",
      "doppel.json",
      "app.json",
      "doppel.txt",
      "node_modules/pkg/.doppel/doppel.json",
      "node_modules/pkg/doppel.json",
      ".git/doppel.json",
      "dist/doppel.json",
      "build/.doppel/doppel.json",
    ]);
    const relative = listConfigCandidates(ws).map((p) => p.slice(ws.length + 1));
    assert.deepEqual(relative, [
      ".doppel/doppel.json",
      ".doppel/staging.yaml",
      "doppel.json",
      "envs/prod.doppel/config.toml",
      "services/api/.mirrord/dev.toml",
      "services/api/.mirrord/mirrord.json",
      "services/api/local.doppel.yml",
      "services/web/web-mirrord.yaml",
    ]);
  });

  test("a symbolic link cycle does not trap the walk", () => {
    const ws = workspace([".doppel/doppel.json", "a/"]);
    symlinkSync(ws, join(ws, "a/loop"));
    assert.deepEqual(listConfigCandidates(ws), [join(ws, ".doppel/doppel.json")]);
  });

  test("a missing workspace has no candidates", () => {
    assert.deepEqual(listConfigCandidates(join(root, "absent")), []);
  });
});
