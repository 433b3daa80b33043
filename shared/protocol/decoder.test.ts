import assert from "node:assert/strict";
import { once } from "node:events";
import { describe, test } from "node:test";
import { canonicalText } from "./canonical.ts";
import { encodeFrame } from "./codec.ts";
import { FrameDecoder } from "./decoder.ts";
import { ProtocolErrorCode } from "./errors.ts";
import type { Frame } from "./messages.ts";
import { invalidVectors, validVectors } from "./vectors/load.ts";

/** Writes `chunks` into a fresh decoder, ends it, and returns the frames and the error it ended with. */
async function feed(chunks: Buffer[], maxPayload?: number): Promise<{ frames: Frame[]; error: unknown }> {
  const decoder = new FrameDecoder(maxPayload === undefined ? {} : { maxPayload });
  const frames: Frame[] = [];
  decoder.on("frame", (frame: Frame) => frames.push(frame));
  const closed = once(decoder, "close").catch(() => undefined);
  let error: unknown;
  decoder.on("error", (e) => {
    error = e;
  });
  for (const chunk of chunks) {
    if (decoder.destroyed) break;
    decoder.write(chunk);
  }
  if (!decoder.destroyed) decoder.end();
  await closed;
  return { frames, error };
}

const splitAt = (bytes: Buffer, at: number): Buffer[] => [bytes.subarray(0, at), bytes.subarray(at)];

// A stream cannot tell "bytes missing" from "bytes not arrived yet": those defects surface as TRUNCATED at the end.
const streamError: Partial<Record<string, string>> = {
  "invalid/bytes-after-frame": ProtocolErrorCode.TRUNCATED,
};

describe("FrameDecoder", () => {
  const valid = validVectors();

  test("decodes every valid vector split in two at every byte boundary", async () => {
    for (const vector of valid) {
      for (let at = 0; at <= vector.bytes.length; at++) {
        const { frames, error } = await feed(splitAt(vector.bytes, at));
        assert.equal(error, undefined, `${vector.name} split at ${at}`);
        assert.equal(frames.length, 1, `${vector.name} split at ${at}`);
        assert.equal(
          canonicalText(frames[0] as Frame),
          JSON.stringify(vector.decoded),
          `${vector.name} split at ${at}`,
        );
      }
    }
  });

  test("decodes all valid vectors back to back, one byte per write", async () => {
    const stream = Buffer.concat(valid.map((v) => v.bytes));
    const bytes = Array.from(stream, (byte) => Buffer.of(byte));
    const { frames, error } = await feed(bytes);
    assert.equal(error, undefined);
    assert.deepEqual(
      frames.map((f) => canonicalText(f)),
      valid.map((v) => JSON.stringify(v.decoded)),
    );
  });

  test("rejects every invalid vector with the vector's error code, whole and split at every boundary", async () => {
    for (const vector of invalidVectors()) {
      const expected = streamError[vector.name] ?? vector.error;
      for (let at = 0; at <= vector.bytes.length; at++) {
        const { error } = await feed(splitAt(vector.bytes, at));
        assert.equal((error as { code?: string })?.code, expected, `${vector.name} split at ${at}`);
      }
    }
  });

  test("rejects an oversized length before the payload arrives", async () => {
    const header = Buffer.from("0010000702030000000100", "hex");
    const { error, frames } = await feed([header]);
    assert.equal((error as { code?: string }).code, ProtocolErrorCode.FRAME_TOO_LARGE);
    assert.equal(frames.length, 0);
  });

  test("honours a smaller per-connection payload limit", async () => {
    const frame = encodeFrame({ type: "NET_DATA", requestId: 0, body: { conn_id: 1, data: new Uint8Array(100) } });
    assert.equal((await feed([frame], 200)).error, undefined);
    const { error } = await feed([frame], 50);
    assert.equal((error as { code?: string }).code, ProtocolErrorCode.FRAME_TOO_LARGE);
  });

  test("carries a maximum-size frame split into 64 KiB chunks", async () => {
    const data = Buffer.alloc(1024 * 1024 - 8, 0x5a);
    const frame = encodeFrame({ type: "NET_DATA", requestId: 0, body: { conn_id: 9, data } });
    assert.equal(frame.length, 10 + 1024 * 1024);
    const chunks: Buffer[] = [];
    for (let at = 0; at < frame.length; at += 65536) chunks.push(frame.subarray(at, at + 65536));
    const { frames, error } = await feed(chunks);
    assert.equal(error, undefined);
    const [decoded] = frames;
    assert.ok(decoded?.type === "NET_DATA");
    assert.ok(Buffer.from(decoded.body.data).equals(data));
  });
});
