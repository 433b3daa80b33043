// resolveInRoot against hostile trees built in a temporary directory that plays the target's root.
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { MAX_SYMLINK_FOLLOWS, resolveInRoot } from "./rooted-path.ts";

describe("resolveInRoot", () => {
  let outside: string;
  let root: string;

  before(() => {
    outside = mkdtempSync(join(tmpdir(), "dpl-rooted-"));
    root = join(outside, "root");
    mkdirSync(join(root, "etc"), { recursive: true });
    mkdirSync(join(root, "a/b/c"), { recursive: true });
    writeFileSync(join(root, "etc/secret"), "inside");
    writeFileSync(join(outside, "secret"), "outside");
    symlinkSync("/etc/secret", join(root, "absolute"));
    symlinkSync("../../../../../../secret", join(root, "a/b/c/climb"));
    symlinkSync("/", join(root, "a/root"));
    symlinkSync("b", join(root, "a/relative-dir"));
    symlinkSync("loop2", join(root, "loop1"));
    symlinkSync("loop1", join(root, "loop2"));
    symlinkSync("/etc/secret", join(root, "a/b/last-link"));
    let previous = "etc/secret";
    for (let i = 0; i < MAX_SYMLINK_FOLLOWS + 1; i++) {
      symlinkSync(`/${previous}`, join(root, `chain${i}`));
      previous = `chain${i}`;
    }
  });
  after(() => rmSync(outside, { recursive: true, force: true }));

  const resolve = (path: string, followLast = true) => resolveInRoot(root, path, { followLast });

  test("plain paths map under the root, both as host and target paths", async () => {
    assert.deepEqual(await resolve("/etc/secret"), { hostPath: join(root, "etc/secret"), targetPath: "/etc/secret" });
    assert.deepEqual(await resolve("/"), { hostPath: root, targetPath: "/" });
  });

  test("an absolute symlink restarts at the target's root, not the host's", async () => {
    assert.equal((await resolve("/absolute")).hostPath, join(root, "etc/secret"));
  });

  test("..  never climbs above the root, in the path or in a link", async () => {
    assert.equal((await resolve("/../../../etc/secret")).hostPath, join(root, "etc/secret"));
    assert.equal((await resolve("/a/b/c/climb")).targetPath, "/secret");
    assert.equal((await resolve("/a/root/../../etc/secret")).targetPath, "/etc/secret");
  });

  test("relative links resolve against the link's own directory", async () => {
    assert.equal((await resolve("/a/relative-dir/c")).targetPath, "/a/b/c");
  });

  test("the last component is left alone when not following (lstat, readlink, unlink)", async () => {
    assert.equal((await resolve("/a/b/last-link", false)).targetPath, "/a/b/last-link");
    assert.equal((await resolve("/a/b/last-link", true)).targetPath, "/etc/secret");
  });

  test("loops and over-long chains fail with ELOOP", async () => {
    await assert.rejects(resolve("/loop1"), { code: "ELOOP" });
    await assert.rejects(resolve(`/chain${MAX_SYMLINK_FOLLOWS}`), { code: "ELOOP" });
    assert.equal((await resolve(`/chain${MAX_SYMLINK_FOLLOWS - 1}`)).targetPath, "/etc/secret");
  });

  test("a missing last component may be created; a missing directory on the way is ENOENT", async () => {
    assert.equal((await resolve("/etc/new-file")).targetPath, "/etc/new-file");
    await assert.rejects(resolve("/no-dir/file"), { code: "ENOENT" });
    await assert.rejects(resolve("/etc/secret/below/file"), { code: "ENOTDIR" });
  });

  test("a NUL byte is EINVAL", async () => {
    await assert.rejects(resolve("/etc/\0secret"), { code: "EINVAL" });
  });
});
