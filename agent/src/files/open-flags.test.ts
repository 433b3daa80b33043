import assert from "node:assert/strict";
import { constants } from "node:fs";
import { describe, test } from "node:test";
import { AARCH64_OPEN_FLAGS, WIRE_OPEN_FLAGS, wireToNativeOpenFlags } from "./open-flags.ts";

describe("open flags from the wire", () => {
  test("x86_64 numbering passes through unchanged", () => {
    const flags = constants.O_CREAT | constants.O_WRONLY | WIRE_OPEN_FLAGS.O_NOFOLLOW | WIRE_OPEN_FLAGS.O_DIRECT;
    assert.equal(wireToNativeOpenFlags(flags, WIRE_OPEN_FLAGS), flags);
  });

  test("aarch64 gets its own four values, all swapped at once", () => {
    const wire = WIRE_OPEN_FLAGS.O_DIRECT | WIRE_OPEN_FLAGS.O_DIRECTORY | constants.O_RDONLY;
    assert.equal(
      wireToNativeOpenFlags(wire, AARCH64_OPEN_FLAGS),
      AARCH64_OPEN_FLAGS.O_DIRECT | AARCH64_OPEN_FLAGS.O_DIRECTORY,
    );
    assert.equal(wireToNativeOpenFlags(WIRE_OPEN_FLAGS.O_DIRECT, AARCH64_OPEN_FLAGS), AARCH64_OPEN_FLAGS.O_DIRECT);
    assert.equal(
      wireToNativeOpenFlags(WIRE_OPEN_FLAGS.O_LARGEFILE | constants.O_APPEND, AARCH64_OPEN_FLAGS),
      AARCH64_OPEN_FLAGS.O_LARGEFILE | constants.O_APPEND,
    );
  });

  test("on this machine the native numbering is what Node's fs.constants says", () => {
    assert.equal(wireToNativeOpenFlags(WIRE_OPEN_FLAGS.O_DIRECTORY), constants.O_DIRECTORY);
    assert.equal(wireToNativeOpenFlags(WIRE_OPEN_FLAGS.O_NOFOLLOW), constants.O_NOFOLLOW);
  });
});
