// Writes a valid vector file from a canonical frame, with the hex split per field and a comment per field.
// Usage: node --import tsx shared/protocol/vectors/make-vector.ts NAME "description" '<canonical frame JSON>'
// The hex is produced here by its own small field writer, independent of codec.ts, so that a vector is a second
// opinion on the TS codec (vectors.test.ts compares both, and the C codec, against the file). Review the output.
import { writeFileSync } from "node:fs";
import { ipToBytes } from "../address.ts";
import type { CanonicalFrame, Json } from "../canonical.ts";
import { type Address, type Layout, layouts, MessageCode, type ScalarKind } from "../messages.ts";

type Part = [hex: string, comment: string];

const hexOf = (n: bigint, bytes: number): string =>
  BigInt.asUintN(bytes * 8, n)
    .toString(16)
    .padStart(bytes * 2, "0");
const WIDTH = { u8: 1, u16: 2, u32: 4, i32: 4, u64: 8, i64: 8 } as const;

function quoted(bytes: Buffer): string {
  const printable = bytes.every((b) => b >= 0x20 && b < 0x7f);
  return printable ? JSON.stringify(bytes.toString("latin1")) : `${bytes.length} raw bytes`;
}

function scalar(kind: ScalarKind, value: Json, path: string): Part {
  switch (kind) {
    case "u8":
    case "u16":
    case "u32":
    case "i32":
    case "u64":
    case "i64":
      return [hexOf(BigInt(value as number | string), WIDTH[kind]), `${path}: ${kind} ${String(value)}`];
    case "bool":
      return [value ? "01" : "00", `${path}: bool ${String(value)}`];
    case "str": {
      const bytes = Buffer.from(value as string, "utf8");
      return [
        hexOf(BigInt(bytes.length), 4) + bytes.toString("hex"),
        `${path}: str, ${bytes.length} bytes, ${JSON.stringify(value)}`,
      ];
    }
    case "bytes": {
      const bytes = Buffer.from(value as string, "hex");
      return [
        hexOf(BigInt(bytes.length), 4) + bytes.toString("hex"),
        `${path}: bytes, ${bytes.length}, ${quoted(bytes)}`,
      ];
    }
    case "addr": {
      const address = value as unknown as Address;
      const ip = ipToBytes(address);
      if (typeof ip === "string") throw new Error(`${path}: ${ip}`);
      const hex = hexOf(BigInt(address.family), 1) + Buffer.from(ip).toString("hex") + hexOf(BigInt(address.port), 2);
      return [hex, `${path}: addr family ${address.family}, ${address.ip || "no address"}, port ${address.port}`];
    }
  }
}

function fields(layout: Layout, json: { [key: string]: Json }, prefix: string): Part[] {
  const parts: Part[] = [];
  for (const field of layout) {
    const [name, kind] = field;
    const path = prefix + name;
    const value = json[name];
    if (value === undefined) throw new Error(`missing field ${path}`);
    if (kind !== "list") {
      parts.push(scalar(kind, value, path));
      continue;
    }
    const items = value as Json[];
    parts.push([hexOf(BigInt(items.length), 4), `${path}: list count ${items.length}`]);
    const element = field[2];
    items.forEach((item, i) => {
      if (typeof element === "string") parts.push(scalar(element, item, `${path}[${i}]`));
      else parts.push(...fields(element, item as { [key: string]: Json }, `${path}[${i}].`));
    });
  }
  return parts;
}

const [name, description, text] = process.argv.slice(2);
if (name === undefined || description === undefined || text === undefined) {
  console.error("usage: make-vector.ts NAME \"description\" '<canonical frame JSON>'");
  process.exit(2);
}
const decoded = JSON.parse(text) as CanonicalFrame;
const body = fields(layouts[decoded.type], decoded.body, "");
const payloadLength = body.reduce((sum, [hex]) => sum + hex.length / 2, 0);
const hex: Part[] = [
  [hexOf(BigInt(6 + payloadLength), 4), `length: 6 + ${payloadLength} payload bytes`],
  [hexOf(BigInt(MessageCode[decoded.type]), 2), `type: ${decoded.type}`],
  [hexOf(BigInt(decoded.request_id), 4), `request_id: ${decoded.request_id}`],
  ...body,
];
const file = new URL(`valid/${name}.json`, import.meta.url);
writeFileSync(file, `${JSON.stringify({ description, hex, decoded }, null, 2)}\n`);
console.log(file.pathname);
