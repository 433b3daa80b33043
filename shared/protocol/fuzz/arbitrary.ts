// Random frames and byte mutations for the protocol fuzz loop, generated from the layout table so every message
// type and field kind is covered. Seeded, so a failure prints a seed that reproduces it.
import { ipFromBytes } from "../address.ts";
import {
  type Frame,
  type Layout,
  layouts,
  MAX_PAYLOAD,
  MessageCode,
  type MessageName,
  type ScalarKind,
} from "../messages.ts";

export type Random = () => number;

/** mulberry32: a small seeded PRNG, uniform in [0, 1). */
export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const int = (random: Random, max: number): number => Math.floor(random() * (max + 1));
const pick = <T>(random: Random, items: readonly T[]): T => items[int(random, items.length - 1)] as T;

// Edge values first: most decoder bugs live at 0, the maximum and sign boundaries.
function unsigned(random: Random, bits: number): number {
  const max = 2 ** bits - 1;
  return random() < 0.3 ? pick(random, [0, 1, max, max - 1, 2 ** (bits - 1)]) : int(random, max);
}

function bigUnsigned(random: Random): bigint {
  if (random() < 0.3) return pick(random, [0n, 1n, 2n ** 64n - 1n, 2n ** 63n, 2n ** 53n + 1n]);
  return (BigInt(unsigned(random, 32)) << 32n) | BigInt(unsigned(random, 32));
}

const TEXT_PIECES = [
  "a",
  "Z",
  "/",
  "\\",
  '"',
  "\u0000",
  "\n",
  "\u001f",
  "\u007f",
  "é",
  "✓",
  "\ufeff",
  "🚀",
  "\u{10ffff}",
  "\u2028",
];

function text(random: Random): string {
  const length = int(random, random() < 0.1 ? 300 : 12);
  let out = "";
  for (let i = 0; i < length; i++) out += pick(random, TEXT_PIECES);
  return out;
}

function bytes(random: Random): Uint8Array {
  const length = random() < 0.02 ? int(random, 200_000) : int(random, 40);
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = random() < 0.3 ? pick(random, [0, 0x2f, 0x80, 0xff]) : int(random, 255);
  return out;
}

function address(random: Random) {
  const family = pick(random, [0, 4, 6] as const);
  const raw = new Uint8Array(family === 4 ? 4 : family === 6 ? 16 : 0);
  // Zero-heavy IPv6 groups exercise the RFC 5952 "::" choice (longest run, first on a tie).
  for (let i = 0; i < raw.length; i += 2) {
    const zero = random() < 0.5;
    raw[i] = zero ? 0 : int(random, 255);
    if (i + 1 < raw.length) raw[i + 1] = zero ? 0 : int(random, 255);
  }
  return { family, ip: ipFromBytes(family, raw), port: family === 0 && random() < 0.5 ? 0 : unsigned(random, 16) };
}

function scalar(random: Random, kind: ScalarKind): unknown {
  switch (kind) {
    case "u8":
      return unsigned(random, 8);
    case "u16":
      return unsigned(random, 16);
    case "u32":
      return unsigned(random, 32);
    case "i32":
      return unsigned(random, 32) | 0;
    case "u64":
      return bigUnsigned(random);
    case "i64":
      return BigInt.asIntN(64, bigUnsigned(random));
    case "bool":
      return random() < 0.5;
    case "str":
      return text(random);
    case "bytes":
      return bytes(random);
    case "addr":
      return address(random);
  }
}

function record(random: Random, layout: Layout): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of layout) {
    const [name, kind] = field;
    if (kind !== "list") {
      out[name] = scalar(random, kind);
      continue;
    }
    const element = field[2];
    out[name] = Array.from({ length: int(random, 4) }, () =>
      typeof element === "string" ? scalar(random, element) : record(random, element),
    );
  }
  return out;
}

const NAMES = Object.keys(MessageCode) as MessageName[];

/** A random frame of a random type with random field values. */
export function arbitraryFrame(random: Random): Frame {
  const type = pick(random, NAMES);
  return { type, requestId: unsigned(random, 32), body: record(random, layouts[type]) } as Frame;
}

const CODES = [...Object.values(MessageCode), 0, 0xffff, 0x0580, 0x0214];

/** `frame` with 1-4 random defects: flipped bits, edge bytes, inserted/deleted runs, a rewritten length or type. */
export function mutate(random: Random, frame: Uint8Array): Uint8Array {
  let out = Buffer.from(frame);
  for (let round = int(random, 3); round >= 0; round--) {
    const at = int(random, Math.max(out.length - 1, 0));
    switch (int(random, 6)) {
      case 0:
        if (out.length > 0) out[at] = (out[at] as number) ^ (1 << int(random, 7));
        break;
      case 1:
        if (out.length > 0) out[at] = pick(random, [0, 1, 0x7f, 0x80, 0xfe, 0xff]);
        break;
      case 2:
        out = Buffer.concat([out.subarray(0, at), Buffer.from(bytes(random).subarray(0, 8)), out.subarray(at)]);
        break;
      case 3:
        out = Buffer.concat([out.subarray(0, at), out.subarray(at + 1 + int(random, 8))]);
        break;
      case 4:
        out = out.subarray(0, int(random, out.length));
        break;
      case 5:
        if (out.length >= 4) {
          const length = pick(random, [
            0,
            5,
            6,
            out.length - 4,
            out.length - 3,
            out.length - 5,
            MAX_PAYLOAD + 6,
            MAX_PAYLOAD + 7,
            0xffffffff,
          ]);
          out.writeUInt32BE(Math.max(0, Math.min(length, 0xffffffff)), 0);
        }
        break;
      case 6:
        if (out.length >= 6) out.writeUInt16BE(pick(random, CODES), 4);
        break;
    }
  }
  return out;
}

/** `bytes` cut at 0-3 random points. */
export function randomSplit(random: Random, bytes: Uint8Array): Buffer[] {
  const cuts = Array.from({ length: int(random, 3) }, () => int(random, bytes.length)).sort((a, b) => a - b);
  const buf = Buffer.from(bytes);
  const chunks: Buffer[] = [];
  let from = 0;
  for (const cut of [...cuts, bytes.length]) {
    chunks.push(buf.subarray(from, cut));
    from = cut;
  }
  return chunks;
}
