// Encodes and decodes frames by walking the layout table in messages.ts (PROTOCOL.md §2–§3, §15).
// No per-message code: a new message is a new row in the table.
import { ADDRESS_LENGTH, ipFromBytes, ipToBytes } from "./address.ts";
import { ProtocolError, ProtocolErrorCode } from "./errors.ts";
import {
  type Address,
  type Frame,
  HEADER_SIZE,
  type Layout,
  LENGTH_OVERHEAD,
  layouts,
  MAX_PAYLOAD,
  MessageCode,
  type MessageName,
  messageNameByCode,
  type ScalarKind,
} from "./messages.ts";

type Value = unknown;
type Fields = Record<string, Value>;

const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
const loneSurrogate = /\p{Cs}/u;

const INT_RANGE = {
  u8: [0, 0xff],
  u16: [0, 0xffff],
  u32: [0, 0xffffffff],
  i32: [-0x80000000, 0x7fffffff],
} as const;
const BIGINT_RANGE = {
  u64: [0n, 0xffffffffffffffffn],
  i64: [-0x8000000000000000n, 0x7fffffffffffffffn],
} as const;
const FIXED_SIZE = { u8: 1, u16: 2, u32: 4, i32: 4, u64: 8, i64: 8, bool: 1 } as const;

function badValue(path: string, why: string): never {
  throw new ProtocolError(ProtocolErrorCode.BAD_VALUE, `cannot encode ${path}: ${why}`);
}

// ---- encoding: a size pass, then a write pass into one exactly sized buffer ----

function sizeOfScalar(kind: ScalarKind, value: Value, path: string): number {
  switch (kind) {
    case "u8":
    case "u16":
    case "u32":
    case "i32": {
      const [min, max] = INT_RANGE[kind];
      if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max)
        badValue(path, `${String(value)} is not a ${kind}`);
      return FIXED_SIZE[kind];
    }
    case "u64":
    case "i64": {
      const [min, max] = BIGINT_RANGE[kind];
      if (typeof value !== "bigint" || value < min || value > max)
        badValue(path, `${String(value)} is not a ${kind} bigint`);
      return 8;
    }
    case "bool":
      if (typeof value !== "boolean") badValue(path, "not a boolean");
      return 1;
    case "str":
      if (typeof value !== "string") badValue(path, "not a string");
      if (loneSurrogate.test(value)) badValue(path, "contains a lone surrogate, which is not UTF-8");
      return 4 + Buffer.byteLength(value, "utf8");
    case "bytes":
      if (!(value instanceof Uint8Array)) badValue(path, "not a Uint8Array");
      return 4 + value.length;
    case "addr": {
      const address = value as Address;
      const bytes = ipToBytes(address);
      if (typeof bytes === "string") badValue(path, bytes);
      sizeOfScalar("u16", address.port, `${path}.port`);
      return 1 + bytes.length + 2;
    }
  }
}

function sizeOfLayout(layout: Layout, fields: Fields, path: string): number {
  if (typeof fields !== "object" || fields === null) badValue(path, "not an object");
  let size = 0;
  for (const field of layout) {
    const [name, kind] = field;
    const value = fields[name];
    const at = `${path}.${name}`;
    if (kind !== "list") {
      size += sizeOfScalar(kind, value, at);
      continue;
    }
    if (!Array.isArray(value)) badValue(at, "not an array");
    size += 4;
    const element = field[2];
    value.forEach((item: Value, i: number) => {
      size +=
        typeof element === "string"
          ? sizeOfScalar(element, item, `${at}[${i}]`)
          : sizeOfLayout(element, item as Fields, `${at}[${i}]`);
    });
  }
  return size;
}

class Writer {
  pos = 0;
  constructor(readonly buf: Buffer) {}

  scalar(kind: ScalarKind, value: Value): void {
    const { buf } = this;
    switch (kind) {
      case "u8":
        this.pos = buf.writeUInt8(value as number, this.pos);
        return;
      case "u16":
        this.pos = buf.writeUInt16BE(value as number, this.pos);
        return;
      case "u32":
        this.pos = buf.writeUInt32BE(value as number, this.pos);
        return;
      case "i32":
        this.pos = buf.writeInt32BE(value as number, this.pos);
        return;
      case "u64":
        this.pos = buf.writeBigUInt64BE(value as bigint, this.pos);
        return;
      case "i64":
        this.pos = buf.writeBigInt64BE(value as bigint, this.pos);
        return;
      case "bool":
        this.pos = buf.writeUInt8(value ? 1 : 0, this.pos);
        return;
      case "str": {
        const length = buf.write(value as string, this.pos + 4, "utf8");
        buf.writeUInt32BE(length, this.pos);
        this.pos += 4 + length;
        return;
      }
      case "bytes": {
        const bytes = value as Uint8Array;
        buf.writeUInt32BE(bytes.length, this.pos);
        buf.set(bytes, this.pos + 4);
        this.pos += 4 + bytes.length;
        return;
      }
      case "addr": {
        const address = value as Address;
        buf.writeUInt8(address.family, this.pos);
        const bytes = ipToBytes(address) as Uint8Array;
        buf.set(bytes, this.pos + 1);
        this.pos = buf.writeUInt16BE(address.port, this.pos + 1 + bytes.length);
        return;
      }
    }
  }

  layout(layout: Layout, fields: Fields): void {
    for (const field of layout) {
      const [name, kind] = field;
      const value = fields[name];
      if (kind !== "list") {
        this.scalar(kind, value);
        continue;
      }
      const items = value as Value[];
      this.pos = this.buf.writeUInt32BE(items.length, this.pos);
      const element = field[2];
      for (const item of items) {
        if (typeof element === "string") this.scalar(element, item);
        else this.layout(element, item as Fields);
      }
    }
  }
}

/** The complete frame (header and payload) for `frame`. Throws DPL_ERR_BAD_VALUE / DPL_ERR_FRAME_TOO_LARGE. */
export function encodeFrame(frame: Frame): Buffer {
  const layout: Layout = layouts[frame.type];
  if (layout === undefined) badValue("type", `unknown message type ${String(frame.type)}`);
  sizeOfScalar("u32", frame.requestId, `${frame.type}.requestId`);
  const size = sizeOfLayout(layout, frame.body as Fields, frame.type);
  if (size > MAX_PAYLOAD) {
    throw new ProtocolError(
      ProtocolErrorCode.FRAME_TOO_LARGE,
      `${frame.type} payload is ${size} bytes, more than the ${MAX_PAYLOAD} allowed; send the data in smaller chunks`,
    );
  }
  const writer = new Writer(Buffer.allocUnsafe(HEADER_SIZE + size));
  writer.scalar("u32", LENGTH_OVERHEAD + size);
  writer.scalar("u16", MessageCode[frame.type]);
  writer.scalar("u32", frame.requestId);
  writer.layout(layout, frame.body as Fields);
  return writer.buf;
}

// ---- decoding ----

class Reader {
  pos = 0;
  constructor(
    readonly buf: Buffer,
    readonly type: MessageName,
  ) {}

  take(n: number, path: string): number {
    if (this.buf.length - this.pos < n) {
      throw new ProtocolError(
        ProtocolErrorCode.TRUNCATED,
        `${this.type}: payload ends inside ${path} (needs ${n} bytes at offset ${this.pos}, ${this.buf.length - this.pos} left)`,
      );
    }
    const at = this.pos;
    this.pos += n;
    return at;
  }

  scalar(kind: ScalarKind, path: string): Value {
    const { buf } = this;
    switch (kind) {
      case "u8":
        return buf.readUInt8(this.take(1, path));
      case "u16":
        return buf.readUInt16BE(this.take(2, path));
      case "u32":
        return buf.readUInt32BE(this.take(4, path));
      case "i32":
        return buf.readInt32BE(this.take(4, path));
      case "u64":
        return buf.readBigUInt64BE(this.take(8, path));
      case "i64":
        return buf.readBigInt64BE(this.take(8, path));
      case "bool": {
        const byte = buf.readUInt8(this.take(1, path));
        if (byte > 1)
          throw new ProtocolError(ProtocolErrorCode.BAD_BOOL, `${this.type}: ${path} is ${byte}, not 0 or 1`);
        return byte === 1;
      }
      case "str": {
        const bytes = this.lengthPrefixed(path);
        try {
          return utf8.decode(bytes);
        } catch {
          throw new ProtocolError(ProtocolErrorCode.BAD_UTF8, `${this.type}: ${path} is not valid UTF-8`);
        }
      }
      case "bytes":
        // A view, not a copy: NET_DATA and FILE_DATA carry up to 1 MiB and are usually written straight out.
        return this.lengthPrefixed(path);
      case "addr": {
        const family = buf.readUInt8(this.take(1, `${path}.family`));
        if (family !== 0 && family !== 4 && family !== 6) {
          throw new ProtocolError(ProtocolErrorCode.BAD_ADDRESS, `${this.type}: ${path} has family ${family}`);
        }
        const at = this.take(ADDRESS_LENGTH[family], `${path}.ip`);
        const ip = ipFromBytes(family, buf.subarray(at, at + ADDRESS_LENGTH[family]));
        const port = buf.readUInt16BE(this.take(2, `${path}.port`));
        return { family, ip, port } satisfies Address;
      }
    }
  }

  lengthPrefixed(path: string): Buffer {
    const length = this.buf.readUInt32BE(this.take(4, `${path} length`));
    const at = this.take(length, path);
    return this.buf.subarray(at, at + length);
  }

  layout(layout: Layout, path: string): Fields {
    const fields: Fields = {};
    for (const field of layout) {
      const [name, kind] = field;
      const at = path === "" ? name : `${path}.${name}`;
      if (kind !== "list") {
        fields[name] = this.scalar(kind, at);
        continue;
      }
      // Elements are parsed one at a time: a huge count fails on the bytes it lacks, it never sizes an allocation.
      const count = this.buf.readUInt32BE(this.take(4, `${at} count`));
      const element = field[2];
      const items: Value[] = [];
      for (let i = 0; i < count; i++) {
        const itemPath = `${at}[${i}]`;
        items.push(typeof element === "string" ? this.scalar(element, itemPath) : this.layout(element, itemPath));
      }
      fields[name] = items;
    }
    return fields;
  }
}

/** Checks a frame's `length` field (PROTOCOL.md §3) as soon as it is known. */
export function checkLength(length: number, maxPayload = MAX_PAYLOAD): void {
  if (length < LENGTH_OVERHEAD) {
    throw new ProtocolError(ProtocolErrorCode.FRAME_TOO_SHORT, `frame length ${length} is below the minimum of 6`);
  }
  if (length > LENGTH_OVERHEAD + maxPayload) {
    throw new ProtocolError(
      ProtocolErrorCode.FRAME_TOO_LARGE,
      `frame length ${length} exceeds the maximum of ${LENGTH_OVERHEAD + maxPayload}`,
    );
  }
}

export function messageNameOf(code: number): MessageName {
  const name = messageNameByCode.get(code);
  if (name === undefined) {
    throw new ProtocolError(ProtocolErrorCode.UNKNOWN_TYPE, `message type 0x${code.toString(16).padStart(4, "0")}`);
  }
  return name;
}

/** Decodes one payload whose header was already read and checked. */
export function decodeBody(type: MessageName, requestId: number, payload: Buffer): Frame {
  const reader = new Reader(payload, type);
  const body = reader.layout(layouts[type], "");
  if (reader.pos !== payload.length) {
    throw new ProtocolError(
      ProtocolErrorCode.TRAILING_BYTES,
      `${type}: ${payload.length - reader.pos} bytes left after the last field`,
    );
  }
  return { type, requestId, body } as Frame;
}

/** Decodes exactly one complete frame (header and payload, nothing after it). */
export function decodeFrame(bytes: Uint8Array): Frame {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  if (buf.length < 4) throw new ProtocolError(ProtocolErrorCode.TRUNCATED, `frame header: ${buf.length} of 10 bytes`);
  const length = buf.readUInt32BE(0);
  checkLength(length);
  if (buf.length < HEADER_SIZE) {
    throw new ProtocolError(ProtocolErrorCode.TRUNCATED, `frame header: ${buf.length} of 10 bytes`);
  }
  const type = messageNameOf(buf.readUInt16BE(4));
  const requestId = buf.readUInt32BE(6);
  const end = 4 + length;
  if (buf.length < end) {
    throw new ProtocolError(ProtocolErrorCode.TRUNCATED, `${type}: frame needs ${end} bytes, got ${buf.length}`);
  }
  if (buf.length > end) {
    throw new ProtocolError(ProtocolErrorCode.TRAILING_BYTES, `${buf.length - end} bytes after the frame`);
  }
  return decodeBody(type, requestId, buf.subarray(HEADER_SIZE, end));
}
