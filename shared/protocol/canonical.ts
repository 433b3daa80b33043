// The canonical JSON form of a frame (PROTOCOL.md §2): what the vectors store and what the C vector program prints.
// 64-bit integers become decimal strings and bytes lowercase hex, so JSON holds every value exactly.
import type { Address, Frame, Layout, MessageName, ScalarKind } from "./messages.ts";
import { layouts } from "./messages.ts";

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Fields = Record<string, unknown>;

export interface CanonicalFrame {
  type: MessageName;
  request_id: number;
  body: { [key: string]: Json };
}

function scalarToJson(kind: ScalarKind, value: unknown): Json {
  switch (kind) {
    case "u64":
    case "i64":
      return (value as bigint).toString();
    case "bytes":
      return Buffer.from(value as Uint8Array).toString("hex");
    case "addr": {
      const { family, ip, port } = value as Address;
      return { family, ip, port };
    }
    default:
      return value as Json;
  }
}

function scalarFromJson(kind: ScalarKind, value: Json): unknown {
  switch (kind) {
    case "u64":
    case "i64":
      return BigInt(value as string);
    case "bytes":
      return new Uint8Array(Buffer.from(value as string, "hex"));
    default:
      return value;
  }
}

function layoutToJson(layout: Layout, fields: Fields): { [key: string]: Json } {
  const out: { [key: string]: Json } = {};
  for (const field of layout) {
    const [name, kind] = field;
    if (kind !== "list") {
      out[name] = scalarToJson(kind, fields[name]);
      continue;
    }
    const element = field[2];
    out[name] = (fields[name] as unknown[]).map((item) =>
      typeof element === "string" ? scalarToJson(element, item) : layoutToJson(element, item as Fields),
    );
  }
  return out;
}

function layoutFromJson(layout: Layout, json: { [key: string]: Json }): Fields {
  const out: Fields = {};
  for (const field of layout) {
    const [name, kind] = field;
    const value = json[name] as Json;
    if (kind !== "list") {
      out[name] = scalarFromJson(kind, value);
      continue;
    }
    const element = field[2];
    out[name] = (value as Json[]).map((item) =>
      typeof element === "string"
        ? scalarFromJson(element, item)
        : layoutFromJson(element, item as { [key: string]: Json }),
    );
  }
  return out;
}

export function toCanonical(frame: Frame): CanonicalFrame {
  return { type: frame.type, request_id: frame.requestId, body: layoutToJson(layouts[frame.type], frame.body) };
}

export function fromCanonical(json: CanonicalFrame): Frame {
  return { type: json.type, requestId: json.request_id, body: layoutFromJson(layouts[json.type], json.body) } as Frame;
}

/** The exact text the C vector program prints for the same frame: keys in layout order, no whitespace. */
export function canonicalText(frame: Frame): string {
  return JSON.stringify(toCanonical(frame));
}
