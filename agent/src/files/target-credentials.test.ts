import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { checkAccess, R_OK, W_OK, X_OK } from "./target-credentials.ts";
import type { FileStat } from "./target-files.ts";

function stat(mode: number, uid: number, gid: number): FileStat {
  const zero = 0n;
  return {
    dev: zero,
    ino: zero,
    mode,
    nlink: 1n,
    uid,
    gid,
    rdev: zero,
    size: zero,
    blksize: zero,
    blocks: zero,
    atimeNs: zero,
    mtimeNs: zero,
    ctimeNs: zero,
    birthtimeNs: zero,
  };
}

const FILE = 0o100000;
const DIR = 0o040000;
const app = { uid: 1000, gid: 1000, groups: [1000, 50] };

describe("access() for the target's credentials", () => {
  test("the owner, group and other bits apply to whoever the target runs as", () => {
    assert.doesNotThrow(() => checkAccess(stat(FILE | 0o600, 1000, 0), R_OK | W_OK, app));
    assert.throws(() => checkAccess(stat(FILE | 0o600, 0, 0), R_OK, app), { code: "EACCES" });
    assert.doesNotThrow(() => checkAccess(stat(FILE | 0o040, 0, 50), R_OK, app), "a supplementary group counts");
    assert.doesNotThrow(() => checkAccess(stat(FILE | 0o004, 0, 0), R_OK, app));
    assert.throws(() => checkAccess(stat(FILE | 0o604, 1000, 0), X_OK, app), { code: "EACCES" });
  });

  test("root reads and writes anything but executes only what has an execute bit (or is a directory)", () => {
    const root = { uid: 0, gid: 0, groups: [] };
    assert.doesNotThrow(() => checkAccess(stat(FILE | 0o000, 1000, 1000), R_OK | W_OK, root));
    assert.throws(() => checkAccess(stat(FILE | 0o644, 1000, 1000), X_OK, root), { code: "EACCES" });
    assert.doesNotThrow(() => checkAccess(stat(FILE | 0o010, 1000, 1000), X_OK, root));
    assert.doesNotThrow(() => checkAccess(stat(DIR | 0o000, 1000, 1000), X_OK, root));
  });

  test("F_OK only asks whether the file exists", () => {
    assert.doesNotThrow(() => checkAccess(stat(FILE | 0o000, 0, 0), 0, app));
  });
});
