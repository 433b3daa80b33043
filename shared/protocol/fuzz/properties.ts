// The properties the fuzz loop checks on each input. Each check returns a problem description, or undefined.
import { runCCodec } from "../c-codec.ts";
import { canonicalText } from "../canonical.ts";
import { decodeFrame, encodeFrame } from "../codec.ts";
import { FrameDecoder } from "../decoder.ts";
import { ProtocolError, ProtocolErrorCode } from "../errors.ts";
import type { Frame } from "../messages.ts";

/** What decoding gave: the canonical JSON and re-encoded hex, or the DPL_ERR_* code. */
export type Outcome = { ok: true; hex: string; json: string } | { ok: false; error: string };

const decoderCodes = new Set<string>(Object.values(ProtocolErrorCode).filter((c) => c !== ProtocolErrorCode.BAD_VALUE));

function describeThrow(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/** decodeFrame, with anything but a ProtocolError (or a ProtocolError with an encoder-only code) reported as a bug. */
export function decodeOutcome(bytes: Uint8Array): Outcome | string {
  let frame: Frame;
  try {
    frame = decodeFrame(bytes);
  } catch (error) {
    if (error instanceof ProtocolError && decoderCodes.has(error.code)) return { ok: false, error: error.code };
    return `decodeFrame threw ${describeThrow(error)}`;
  }
  try {
    return { ok: true, hex: encodeFrame(frame).toString("hex"), json: canonicalText(frame) };
  } catch (error) {
    return `re-encoding a decoded frame threw ${describeThrow(error)}`;
  }
}

interface StreamResult {
  frames: string[];
  error: string | undefined;
}

/** Writes chunks into a FrameDecoder synchronously (its _write completes inline) and reports what came out. */
export function streamOutcome(chunks: Uint8Array[]): StreamResult | string {
  const decoder = new FrameDecoder();
  const frames: string[] = [];
  decoder.on("frame", (frame: Frame) => frames.push(canonicalText(frame)));
  decoder.on("error", () => undefined);
  for (const chunk of chunks) {
    if (decoder.errored) break;
    decoder.write(chunk);
  }
  const error = decoder.errored;
  decoder.destroy();
  if (error === null) return { frames, error: undefined };
  if (error instanceof ProtocolError && decoderCodes.has(error.code)) return { frames, error: error.code };
  return `FrameDecoder failed with ${describeThrow(error)}`;
}

const sameStream = (a: StreamResult, b: StreamResult): boolean =>
  a.error === b.error && a.frames.length === b.frames.length && a.frames.every((f, i) => f === b.frames[i]);

/**
 * Checks one input: decodeFrame either fails cleanly or gives a frame that re-encodes to the same bytes (one
 * encoding per value); the streaming decoder gives the same result whole and split, and agrees with decodeFrame.
 * `expected` is the canonical JSON when the input is a known-valid frame.
 */
export function checkInput(bytes: Uint8Array, chunks: Uint8Array[], expected?: string): Outcome | string {
  const outcome = decodeOutcome(bytes);
  if (typeof outcome === "string") return outcome;
  const hex = Buffer.from(bytes).toString("hex");
  if (expected !== undefined && (!outcome.ok || outcome.json !== expected)) {
    return `a valid frame decoded to ${JSON.stringify(outcome)}, expected ${expected}`;
  }
  if (outcome.ok && outcome.hex !== hex) return `decoded and re-encoded to different bytes: ${outcome.hex}`;
  const whole = streamOutcome([bytes]);
  const split = streamOutcome(chunks);
  if (typeof whole === "string") return whole;
  if (typeof split === "string") return split;
  if (!sameStream(whole, split)) {
    return `stream results differ whole ${JSON.stringify(whole)} vs split ${JSON.stringify(split)} at ${chunks.map((c) => c.length)}`;
  }
  if (outcome.ok && !(whole.error === undefined && whole.frames.length === 1 && whole.frames[0] === outcome.json)) {
    return `FrameDecoder gave ${JSON.stringify(whole)} for a frame decodeFrame accepts`;
  }
  return outcome;
}

/** Runs a batch through the C codec and reports every input where it disagrees with the TypeScript outcome. */
export function checkAgainstC(inputs: Uint8Array[], outcomes: Outcome[]): string[] {
  const results = runCCodec(inputs);
  const problems: string[] = [];
  results.forEach((c, i) => {
    const ts = outcomes[i] as Outcome;
    if (JSON.stringify(c) !== JSON.stringify(ts)) {
      const hex = Buffer.from(inputs[i] as Uint8Array).toString("hex");
      problems.push(`C and TS disagree on ${hex}: C ${JSON.stringify(c)} TS ${JSON.stringify(ts)}`);
    }
  });
  return problems;
}

/** The encoded form of a generated frame, or undefined if it is legitimately too large to send. */
export function encodeGenerated(frame: Frame): Buffer | undefined {
  try {
    return encodeFrame(frame);
  } catch (error) {
    if (error instanceof ProtocolError && error.code === ProtocolErrorCode.FRAME_TOO_LARGE) return undefined;
    throw error;
  }
}
