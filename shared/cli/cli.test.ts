// Runs the CLI as a real process (main.ts through tsx, so no build step can go stale) and checks output and
// exit codes. bundle.test.ts checks the esbuild bundle separately.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { supportOf } from "../config/schema.ts";
import { COMMANDS } from "./commands.ts";

const repo = fileURLToPath(new URL("../../", import.meta.url));
const main = fileURLToPath(new URL("./main.ts", import.meta.url));
// Absolute, so the call works from any working directory.
const tsxLoader = import.meta.resolve("tsx");
const dir = mkdtempSync(join(tmpdir(), "doppel-cli-test-"));
after(() => rmSync(dir, { recursive: true, force: true }));

/** The environment of a clean call: no doppel/mirrord variables leak in from the test runner's. */
function cleanEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !/^(DOPPEL_|MIRRORD_|NO_COLOR$|FORCE_COLOR$)/.test(key)),
  );
  return { ...env, ...extra };
}

function doppel(args: string[], env: NodeJS.ProcessEnv = {}, cwd = repo) {
  const result = spawnSync(process.execPath, ["--import", tsxLoader, main, ...args], {
    cwd,
    env: cleanEnv(env),
    encoding: "utf8",
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function write(name: string, text: string): string {
  const path = join(dir, name);
  mkdirSync(join(path, ".."), { recursive: true });
  writeFileSync(path, text);
  return path;
}

test("--version prints doppel and the package version", () => {
  const { version } = JSON.parse(readFileSync(join(repo, "shared/package.json"), "utf8"));
  const result = doppel(["--version"]);
  assert.equal(result.code, 0);
  assert.equal(result.stdout, `doppel ${version}\n`);
});

describe("--help on every command", () => {
  for (const spec of COMMANDS) {
    test(spec.path.join(" "), () => {
      const result = doppel([...spec.path, "--help"]);
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, new RegExp(`Usage: doppel ${spec.path.join(" ")}`));
      assert.ok(result.stdout.includes(spec.summary.slice(0, 30)), result.stdout);
    });
  }
  test("the config group", () => {
    const result = doppel(["config", "--help"]);
    assert.equal(result.code, 0);
    for (const spec of COMMANDS.filter((c) => c.path[0] === "config"))
      assert.match(result.stdout, new RegExp(spec.path[1] ?? ""));
  });
});

describe("usage errors exit 1", () => {
  for (const args of [["frobnicate"], ["verify-config"], ["config", "which", "--bogus"], []]) {
    test(JSON.stringify(args), () => {
      const result = doppel(args);
      assert.equal(result.code, 1);
      assert.notEqual(result.stderr, "");
    });
  }
});

describe("verify-config", () => {
  test("success: the resolved configuration and the warnings", () => {
    const file = write("ok.doppel.yaml", "target: deploy/api\nagent:\n  ttl: 4\n");
    const result = doppel(["verify-config", file]);
    assert.equal(result.code, 0, result.stderr);
    const output = JSON.parse(result.stdout);
    assert.deepEqual(Object.keys(output), ["type", "config", "warnings"]);
    assert.equal(output.type, "Success");
    assert.deepEqual(output.config.target, { path: "deployment/api", namespace: null });
    assert.equal(output.config.agent.ttl, 4);
    assert.equal(output.config.feature.fs.mode, "read");
    const ttlWarning = `${file}:3:3: agent.ttl is not supported yet; it is ignored`;
    assert.deepEqual(output.warnings, supportOf(["agent", "ttl"]) === "planned" ? [ttlWarning] : []);
  });

  test("failure: every problem with message, file, line, column, key; exit 1", () => {
    const file = write("bad.doppel.toml", "[feature.network.incoming]\nports = [80]\nignore_ports = [81]\n[agnt]\n");
    const result = doppel(["verify-config", file]);
    assert.equal(result.code, 1);
    const output = JSON.parse(result.stdout);
    assert.equal(output.type, "Fail");
    assert.deepEqual(output.errors, [
      {
        message: 'unknown key "agnt"; did you mean "agent"?',
        file,
        line: 4,
        column: 2,
        key: "agnt",
      },
    ]);
  });

  test("a path relative to the working directory; a missing file is a Fail, not a crash", () => {
    const result = doppel(["verify-config", "nope.doppel.json"], {}, dir);
    assert.equal(result.code, 1);
    const [error] = JSON.parse(result.stdout).errors;
    assert.deepEqual(error, {
      message: "configuration file not found; check the path, or run `doppel config list` to see the candidates",
      file: join(dir, "nope.doppel.json"),
      line: null,
      column: null,
      key: "",
    });
  });

  test("--ide: a missing target is not an error", () => {
    const file = write("ide.doppel.json", '{ "target": { "namespace": "prod" } }');
    assert.equal(doppel(["verify-config", file]).code, 1);
    const result = doppel(["verify-config", "--ide", file]);
    assert.equal(result.code, 0, result.stdout);
    assert.equal(JSON.parse(result.stdout).type, "Success");
  });

  test("honours the environment of the call", () => {
    const file = write("env.doppel.json", "{}");
    const output = JSON.parse(doppel(["verify-config", file], { DOPPEL_TARGET: "svc/front" }).stdout);
    assert.equal(output.config.target.path, "service/front");
  });
});

describe("config which", () => {
  const ws = join(dir, "ws");
  const defaultFile = write("ws/.doppel/doppel.toml", "");

  test("--json: path and source of the default file", () => {
    const result = doppel(["config", "which", "--workspace", ws, "--json"]);
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(JSON.parse(result.stdout), { path: defaultFile, source: "default" });
  });

  test("--active wins; the environment of the call is honoured", () => {
    const active = doppel(["config", "which", "--workspace", ws, "--active", "x.doppel.yaml", "--json"]);
    assert.deepEqual(JSON.parse(active.stdout), { path: join(ws, "x.doppel.yaml"), source: "active" });
    const env = doppel(["config", "which", "--workspace", ws, "--json"], { DOPPEL_CONFIG_FILE: "/abs/c.json" });
    assert.deepEqual(JSON.parse(env.stdout), { path: "/abs/c.json", source: "env" });
  });

  test("the workspace defaults to the working directory; text output names the reason", () => {
    const result = doppel(["config", "which"], {}, ws);
    assert.equal(result.code, 0);
    assert.equal(result.stdout, `${defaultFile}  (the first *doppel.<ext> file in .doppel/)\n`);
  });

  test("none", () => {
    const result = doppel(["config", "which", "--workspace", dir, "--json"]);
    assert.deepEqual(JSON.parse(result.stdout), { path: null, source: "none" });
  });

  test("a relative DOPPEL_CONFIG_FILE is a user error with a hint", () => {
    const result = doppel(["config", "which", "--workspace", ws], { DOPPEL_CONFIG_FILE: "relative.json" });
    assert.equal(result.code, 1);
    assert.equal(result.stdout, "");
    assert.match(result.stderr, /^error: DOPPEL_CONFIG_FILE must be an absolute path, got "relative.json"\nhint: /);
  });

  test("a missing workspace is a user error", () => {
    const result = doppel(["config", "which", "--workspace", join(dir, "absent")]);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /does not exist/);
  });
});

describe("config list", () => {
  test("--json lists the candidates; text lists one per line", () => {
    const ws = join(dir, "list");
    const files = [write("list/.doppel/doppel.json", "{}"), write("list/svc/app.mirrord.yaml", "")];
    const json = doppel(["config", "list", "--workspace", ws, "--json"]);
    assert.equal(json.code, 0);
    assert.deepEqual(JSON.parse(json.stdout), files);
    assert.equal(doppel(["config", "list", "--workspace", ws]).stdout, files.map((f) => `${f}\n`).join(""));
  });
});

test("config schema prints schema.json", () => {
  const result = doppel(["config", "schema"]);
  assert.equal(result.code, 0);
  const schema = JSON.parse(readFileSync(join(repo, "shared/config/schema.json"), "utf8"));
  assert.deepEqual(JSON.parse(result.stdout), schema);
});

const ANSI_ESCAPE = "\u001b[";

test("no colour escapes when the output is not a terminal", () => {
  const file = write("plain.doppel.json", "{");
  const result = doppel(["config", "which", "--workspace", dir], { DOPPEL_CONFIG_FILE: "x" });
  assert.ok(!result.stderr.includes(ANSI_ESCAPE), result.stderr);
  assert.ok(!doppel(["verify-config", file]).stdout.includes(ANSI_ESCAPE));
});
