import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { describe, test } from "node:test";
import { buildCVectorProgram, runCCodec } from "./c-codec.ts";
import { canonicalText, fromCanonical } from "./canonical.ts";
import { decodeFrame, encodeFrame } from "./codec.ts";
import { MessageCode, type MessageName } from "./messages.ts";
import { invalidVectors, validVectors } from "./vectors/load.ts";

const valid = validVectors();
const invalid = invalidVectors();

describe("protocol vectors, TypeScript codec", () => {
  test("every message type has at least one valid vector", () => {
    const covered = new Set(valid.map((v) => v.decoded.type));
    const missing = (Object.keys(MessageCode) as MessageName[]).filter((name) => !covered.has(name));
    assert.deepEqual(missing, []);
  });

  for (const vector of valid) {
    test(`${vector.name}: ${vector.description}`, () => {
      const frame = decodeFrame(vector.bytes);
      assert.equal(canonicalText(frame), JSON.stringify(vector.decoded));
      assert.equal(encodeFrame(fromCanonical(vector.decoded)).toString("hex"), vector.bytes.toString("hex"));
      assert.equal(encodeFrame(frame).toString("hex"), vector.bytes.toString("hex"));
    });
  }

  for (const vector of invalid) {
    test(`${vector.name}: ${vector.description}`, () => {
      assert.throws(() => decodeFrame(vector.bytes), { code: vector.error });
    });
  }
});

describe("protocol vectors, C codec (native-layer/test/proto/vectors.c)", () => {
  buildCVectorProgram();
  const validResults = runCCodec(valid.map((v) => v.bytes));
  const invalidResults = runCCodec(invalid.map((v) => v.bytes));

  valid.forEach((vector, i) => {
    test(`${vector.name}`, () => {
      const result = validResults[i];
      assert.deepEqual(result, { ok: true, hex: vector.bytes.toString("hex"), json: JSON.stringify(vector.decoded) });
    });
  });

  invalid.forEach((vector, i) => {
    test(`${vector.name}`, () => {
      assert.deepEqual(invalidResults[i], { ok: false, error: vector.error });
    });
  });

  test("encoder refusals (native-layer/test/proto/encoder_checks.c)", () => {
    const root = new URL("../../", import.meta.url).pathname;
    execFileSync("make", ["-s", "-C", `${root}native-layer/test/proto`, "check"], {
      stdio: ["ignore", "pipe", "inherit"],
    });
  });
});
