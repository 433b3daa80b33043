import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { createSessionDir } from "./session-dir.ts";

test("the session directory is private, and the token file holds the session's fresh token", () => {
  const dir = createSessionDir();
  try {
    assert.equal(statSync(dir.path).mode & 0o777, 0o700);
    assert.equal(statSync(dir.tokenFile).mode & 0o777, 0o600);
    assert.equal(readFileSync(dir.tokenFile, "utf8"), dir.token);
    assert.match(dir.token, /^[0-9a-f]{64}$/);
    const other = createSessionDir();
    other.remove();
    assert.notEqual(other.token, dir.token);
  } finally {
    dir.remove();
  }
});

test("a temp directory too long for a unix socket path falls back to /tmp", () => {
  const dir = createSessionDir(`/tmp/${"x".repeat(120)}`);
  try {
    assert.ok(dir.proxySocketPath.startsWith("/tmp/doppel-session-"));
    assert.ok(Buffer.byteLength(dir.proxySocketPath) < 108);
  } finally {
    dir.remove();
  }
});

test("directories of sessions whose process died are swept when a session starts; live ones stay", () => {
  const parent = mkdtempSync(join(tmpdir(), "dpl-sweep-"));
  try {
    const live = createSessionDir(parent);
    const dead = join(parent, "doppel-session-dead01");
    mkdirSync(dead);
    writeFileSync(join(dead, "owner"), "999999999 12345\n");
    const foreign = join(parent, "doppel-session-noowner");
    mkdirSync(foreign);
    const next = createSessionDir(parent);
    assert.equal(existsSync(dead), false, "the dead session's directory is gone");
    assert.equal(existsSync(live.path), true, "a live session's directory stays");
    assert.equal(existsSync(foreign), true, "a directory without an owner is left alone");
    next.remove();
    live.remove();
  } finally {
    rmSync(parent, { recursive: true, force: true });
  }
});
