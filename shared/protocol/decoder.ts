// A bounded streaming frame decoder (PROTOCOL.md §3, §15): pipe a socket into it, get "frame" events out.
// A state machine over buffered chunks: each state returns early until its bytes are there, limits are checked as
// soon as the header is known (before any payload is buffered), and the first error destroys the stream with a
// ProtocolError whose `code` names the defect. The caller then sends ERROR (EPROTO) and closes the connection.
import { Writable } from "node:stream";
import { checkLength, decodeBody, messageNameOf } from "./codec.ts";
import { ProtocolError, ProtocolErrorCode } from "./errors.ts";
import { type Frame, LENGTH_OVERHEAD, MAX_PAYLOAD, type MessageName } from "./messages.ts";

export interface FrameDecoderOptions {
  /** A smaller payload limit for this connection; never larger than MAX_PAYLOAD. */
  maxPayload?: number;
}

type State = "length" | "header" | "payload";

/** Emits `frame` (a decoded Frame) synchronously for each complete frame, in order; `error` once on bad input. */
export class FrameDecoder extends Writable {
  readonly #maxPayload: number;
  #chunks: Buffer[] = [];
  #buffered = 0;
  #state: State = "length";
  #payloadLength = 0;
  #type: MessageName = "OK";
  #requestId = 0;

  constructor(options: FrameDecoderOptions = {}) {
    super();
    this.#maxPayload = Math.min(options.maxPayload ?? MAX_PAYLOAD, MAX_PAYLOAD);
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.#chunks.push(chunk);
    this.#buffered += chunk.length;
    try {
      this.#run();
    } catch (error) {
      callback(error as Error);
      return;
    }
    callback();
  }

  override _final(callback: (error?: Error | null) => void): void {
    if (this.#buffered === 0 && this.#state === "length") callback();
    else {
      const detail = `stream ended inside a frame (reading its ${this.#state}, ${this.#buffered} bytes buffered)`;
      callback(new ProtocolError(ProtocolErrorCode.TRUNCATED, detail));
    }
  }

  #run(): void {
    for (;;) {
      const progressed =
        this.#state === "length"
          ? this.#readLength()
          : this.#state === "header"
            ? this.#readHeader()
            : this.#readPayload();
      if (!progressed) return;
    }
  }

  #readLength(): boolean {
    if (this.#buffered < 4) return false;
    const length = this.#consume(4).readUInt32BE(0);
    checkLength(length, this.#maxPayload);
    this.#payloadLength = length - LENGTH_OVERHEAD;
    this.#state = "header";
    return true;
  }

  #readHeader(): boolean {
    if (this.#buffered < LENGTH_OVERHEAD) return false;
    const header = this.#consume(LENGTH_OVERHEAD);
    this.#type = messageNameOf(header.readUInt16BE(0));
    this.#requestId = header.readUInt32BE(2);
    this.#state = "payload";
    return true;
  }

  #readPayload(): boolean {
    if (this.#buffered < this.#payloadLength) return false;
    const frame: Frame = decodeBody(this.#type, this.#requestId, this.#consume(this.#payloadLength));
    this.#state = "length";
    this.emit("frame", frame);
    return true;
  }

  /** Removes the next `n` buffered bytes: a slice of one chunk when possible, one copy when they span chunks. */
  #consume(n: number): Buffer {
    this.#buffered -= n;
    const first = this.#chunks[0];
    if (first !== undefined && n <= first.length) {
      if (n === first.length) this.#chunks.shift();
      else this.#chunks[0] = first.subarray(n);
      return first.subarray(0, n);
    }
    const out = Buffer.allocUnsafe(n);
    let filled = 0;
    while (filled < n) {
      const chunk = this.#chunks[0] as Buffer;
      const take = Math.min(chunk.length, n - filled);
      chunk.copy(out, filled, 0, take);
      filled += take;
      if (take === chunk.length) this.#chunks.shift();
      else this.#chunks[0] = chunk.subarray(take);
    }
    return out;
  }
}
