// A bounded state machine that parses a pcap byte stream (tcpdump -w -) into packet records. It is a Writable,
// so the capture process's stdout is piped straight into it and backpressure reaches tcpdump's pipe.
import { Writable } from "node:stream";

const GLOBAL_HEADER_BYTES = 24;
const RECORD_HEADER_BYTES = 16;
/** Larger than any snapshot length tcpdump uses (262144); a bigger record means a corrupt stream. */
const MAX_RECORD_BYTES = 512 * 1024;

export interface PcapRecord {
  linkType: number;
  /** Capture time in microseconds since the epoch. */
  timestampUs: number;
  data: Buffer;
}

type State = "globalHeader" | "recordHeader" | "recordBody";

export class PcapStream extends Writable {
  readonly #onRecord: (record: PcapRecord) => void;
  #buffered: Buffer[] = [];
  #bufferedBytes = 0;
  #state: State = "globalHeader";
  #littleEndian = true;
  #nanoseconds = false;
  #linkType = 0;
  #pendingLength = 0;
  #pendingTimestampUs = 0;

  constructor(onRecord: (record: PcapRecord) => void) {
    super();
    this.#onRecord = onRecord;
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.#buffered.push(chunk);
    this.#bufferedBytes += chunk.length;
    try {
      while (this.#step()) {
        // each step consumes one header or record
      }
      callback();
    } catch (error) {
      callback(error as Error);
    }
  }

  /** Runs one state if enough bytes are buffered; false means "wait for more input". */
  #step(): boolean {
    switch (this.#state) {
      case "globalHeader":
        return this.#globalHeader();
      case "recordHeader":
        return this.#recordHeader();
      case "recordBody":
        return this.#recordBody();
    }
  }

  #globalHeader(): boolean {
    if (this.#bufferedBytes < GLOBAL_HEADER_BYTES) return false;
    const header = this.#consume(GLOBAL_HEADER_BYTES);
    const magicLE = header.readUInt32LE(0);
    const magicBE = header.readUInt32BE(0);
    if (magicLE === 0xa1b2c3d4 || magicLE === 0xa1b23c4d) {
      this.#littleEndian = true;
      this.#nanoseconds = magicLE === 0xa1b23c4d;
    } else if (magicBE === 0xa1b2c3d4 || magicBE === 0xa1b23c4d) {
      this.#littleEndian = false;
      this.#nanoseconds = magicBE === 0xa1b23c4d;
    } else {
      throw new Error(`capture stream is not pcap (magic 0x${magicBE.toString(16)})`);
    }
    this.#linkType = this.#u32(header, 20) & 0x0fffffff;
    this.#state = "recordHeader";
    return true;
  }

  #recordHeader(): boolean {
    if (this.#bufferedBytes < RECORD_HEADER_BYTES) return false;
    const header = this.#consume(RECORD_HEADER_BYTES);
    const fraction = this.#u32(header, 4);
    this.#pendingTimestampUs =
      this.#u32(header, 0) * 1e6 + (this.#nanoseconds ? Math.floor(fraction / 1000) : fraction);
    this.#pendingLength = this.#u32(header, 8);
    if (this.#pendingLength > MAX_RECORD_BYTES) {
      throw new Error(`pcap record of ${this.#pendingLength} bytes exceeds the ${MAX_RECORD_BYTES}-byte limit`);
    }
    this.#state = "recordBody";
    return true;
  }

  #recordBody(): boolean {
    if (this.#bufferedBytes < this.#pendingLength) return false;
    const data = this.#consume(this.#pendingLength);
    this.#state = "recordHeader";
    this.#onRecord({ linkType: this.#linkType, timestampUs: this.#pendingTimestampUs, data });
    return true;
  }

  #u32(buffer: Buffer, offset: number): number {
    return this.#littleEndian ? buffer.readUInt32LE(offset) : buffer.readUInt32BE(offset);
  }

  /** Takes exactly n buffered bytes, slicing rather than concatenating when one chunk holds them. */
  #consume(n: number): Buffer {
    this.#bufferedBytes -= n;
    const first = this.#buffered[0] as Buffer;
    if (n === first.length) {
      this.#buffered.shift();
      return first;
    }
    if (n < first.length) {
      this.#buffered[0] = first.subarray(n);
      return first.subarray(0, n);
    }
    const out = Buffer.allocUnsafe(n);
    let filled = 0;
    while (filled < n) {
      const chunk = this.#buffered[0] as Buffer;
      const take = Math.min(chunk.length, n - filled);
      chunk.copy(out, filled, 0, take);
      filled += take;
      if (take === chunk.length) this.#buffered.shift();
      else this.#buffered[0] = chunk.subarray(take);
    }
    return out;
  }
}
