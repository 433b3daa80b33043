import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { buildAppEnv, selectRemoteEnv } from "./app-env.ts";

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

test("include keeps only matching remote names, with * and ? wildcards, as arrays or ;-strings", () => {
  assert.deepEqual(Object.keys(selectRemoteEnv(remote, { include: "DB_*;HOSTNAME" })), [
    "DB_URL",
    "DB_USER",
    "HOSTNAME",
  ]);
  assert.deepEqual(Object.keys(selectRemoteEnv(remote, { include: ["DB_?SER", "DB.URL"] })), ["DB_USER"]);
  assert.deepEqual(Object.keys(selectRemoteEnv(remote, { include: ["PATH"] })), ["PATH"]);
});

test("exclude drops matching remote names; * excludes everything", () => {
  assert.deepEqual(Object.keys(selectRemoteEnv(remote, { exclude: ["DB_*", "API_KEY"] })), ["HOSTNAME"]);
  assert.deepEqual(selectRemoteEnv(remote, { exclude: "*" }), {});
});

test("include and exclude together are refused", () => {
  assert.throws(() => selectRemoteEnv(remote, { include: "A", exclude: "B" }), /cannot both be set/);
});

test("an invalid mapping regex names the key and the fix", () => {
  assert.throws(
    () => buildAppEnv({}, remote, { mapping: { "db((": "x" } }),
    /"db\(\(" is not a valid regular expression/,
  );
});

test("mapping rewrites imported values; env file, override and unset apply after the import", () => {
  const dir = mkdtempSync(join(tmpdir(), "dpl-env-"));
  try {
    const envFile = join(dir, ".env");
    writeFileSync(envFile, "FROM_FILE=1\nDB_USER=file-user\n");
    const env = buildAppEnv({ AWS_PROFILE: "dev", LOCAL_URL: "postgres://local" }, remote, {
      envFile,
      override: { DB_USER: "override-user" },
      mapping: { "^postgres://(.*)$": "postgres://127.0.0.1/$1" },
      unset: "aws_profile;HOSTNAME",
    });
    assert.equal(env.FROM_FILE, "1");
    assert.equal(env.DB_USER, "override-user");
    assert.equal(env.DB_URL, "postgres://127.0.0.1/db");
    assert.equal(env.LOCAL_URL, "postgres://local");
    assert.equal(env.AWS_PROFILE, undefined);
    assert.equal(env.HOSTNAME, undefined);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
