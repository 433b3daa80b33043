import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { buildAppEnv, namePattern, selectRemoteEnv } from "./app-env.ts";

const remote = { DB_URL: "postgres://db", DB_USER: "app", API_KEY: "k", PATH: "/pod/bin", HOSTNAME: "pod-1" };

test("the pod's variables win over local ones, but machine variables like PATH stay local", () => {
  const env = buildAppEnv({ PATH: "/usr/bin", API_KEY: "local", ONLY_LOCAL: "1" }, remote, {});
  assert.deepEqual(env, {
    PATH: "/usr/bin",
    API_KEY: "k",
    ONLY_LOCAL: "1",
    DB_URL: "postgres://db",
    DB_USER: "app",
    HOSTNAME: "pod-1",
  });
});

test("include keeps only matching remote names, accepting regexes, globs and ;-strings", () => {
  assert.deepEqual(Object.keys(selectRemoteEnv(remote, { include: "DB_.*;HOSTNAME" })), [
    "DB_URL",
    "DB_USER",
    "HOSTNAME",
  ]);
  assert.deepEqual(Object.keys(selectRemoteEnv(remote, { include: ["DB_*"] })), ["DB_URL", "DB_USER"]);
  assert.deepEqual(Object.keys(selectRemoteEnv(remote, { include: ["PATH"] })), ["PATH"]);
});

test("exclude drops matching remote names; * excludes everything", () => {
  assert.deepEqual(Object.keys(selectRemoteEnv(remote, { exclude: ["DB_*", "API_KEY"] })), ["HOSTNAME"]);
  assert.deepEqual(selectRemoteEnv(remote, { exclude: "*" }), {});
});

test("include and exclude together are refused", () => {
  assert.throws(() => selectRemoteEnv(remote, { include: "A", exclude: "B" }), /cannot both be set/);
});

test("an invalid pattern names the pattern and the fix", () => {
  assert.throws(() => namePattern("DB_(("), /"DB_\(\(" is not a valid name pattern/);
});

test("env file, override, mapping and unset apply in that order", () => {
  const dir = mkdtempSync(join(tmpdir(), "dpl-env-"));
  try {
    const envFile = join(dir, ".env");
    writeFileSync(envFile, "FROM_FILE=1\nDB_USER=file-user\n");
    const env = buildAppEnv({ AWS_PROFILE: "dev", CONNECT_TIMEOUT: "5", READ_TIMEOUT: "7" }, remote, {
      envFile,
      override: { DB_USER: "override-user" },
      mapping: { "(.+)_TIMEOUT": "1000-$1" },
      unset: "aws_profile;HOSTNAME",
    });
    assert.equal(env.FROM_FILE, "1");
    assert.equal(env.DB_USER, "override-user");
    assert.equal(env.CONNECT_TIMEOUT, "1000-CONNECT");
    assert.equal(env.READ_TIMEOUT, "1000-READ");
    assert.equal(env.AWS_PROFILE, undefined);
    assert.equal(env.HOSTNAME, undefined);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
