// Read-ahead for remote files opened read-only: the proxy owns the file position of such handles and turns every
// read into a large pread at that position, keeping the block so that small reads (a byte at a time, line readers)
// are answered without a round trip to the agent. Positions are per handle, which is what a shared open file
// description does after dup or fork. Handles opened for writing are left to the agent untouched.
import { constants } from "node:os";
import { MAX_DATA } from "../protocol/index.ts";

export const readAheadBytes = 256 * 1024;

const { errno } = constants;
/** O_ACCMODE and O_RDONLY on Linux (PROTOCOL.md uses Linux numbering). */
const O_ACCMODE = 3;
const O_RDONLY = 0;
const SEEK_SET = 0;
const SEEK_CUR = 1;

interface Block {
  offset: bigint;
  data: Buffer;
  /** The block ends at end of file: reads past it return what is there, then nothing. */
  reachesEof: boolean;
}

interface ReadOnlyHandle {
  position: bigint;
  block: Block | undefined;
}

/** Reads `length` bytes at `offset` from the agent (FILE_READ with an explicit offset). */
export type PreadFromAgent = (handle: bigint, offset: bigint, length: number) => Promise<Uint8Array>;

export class SeekError extends Error {
  constructor(readonly errno: number) {
    super("invalid seek");
  }
}

export class FileReadAhead {
  private readonly handles = new Map<bigint, ReadOnlyHandle>();

  constructor(private readonly pread: PreadFromAgent) {}

  /** Call with every successful FILE_OPEN; only read-only handles are taken over. */
  opened(flags: number, handle: bigint): void {
    if ((flags & O_ACCMODE) === O_RDONLY) this.handles.set(handle, { position: 0n, block: undefined });
  }

  closed(handle: bigint): void {
    this.handles.delete(handle);
  }

  owns(handle: bigint): boolean {
    return this.handles.has(handle);
  }

  /** FILE_READ on an owned handle: offset -1 reads at the position and advances it. */
  async read(handle: bigint, offset: bigint, maxLength: number): Promise<Uint8Array> {
    const state = this.handles.get(handle);
    if (!state) throw new Error(`handle ${handle} is not read-only`);
    const at = offset < 0n ? state.position : offset;
    const wanted = Math.min(maxLength, MAX_DATA);
    let block = state.block;
    if (!block || !covers(block, at, wanted)) {
      const length = Math.min(Math.max(wanted, readAheadBytes), MAX_DATA);
      const data = await this.pread(handle, at, length);
      block = {
        offset: at,
        data: Buffer.from(data.buffer, data.byteOffset, data.byteLength),
        reachesEof: data.byteLength < length,
      };
      // A concurrent close may have dropped the handle while we waited; keep nothing for it then.
      if (this.handles.get(handle) === state) state.block = block;
    }
    const start = Number(at - block.offset);
    const served = block.data.subarray(start, start + wanted);
    if (offset < 0n) state.position = at + BigInt(served.length);
    return served;
  }

  /** FILE_SEEK on an owned handle: SEEK_SET and SEEK_CUR are answered here; the rest needs the agent (file size). */
  seekLocally(handle: bigint, offset: bigint, whence: number): bigint | undefined {
    const state = this.handles.get(handle);
    if (!state || (whence !== SEEK_SET && whence !== SEEK_CUR)) return undefined;
    const position = whence === SEEK_SET ? offset : state.position + offset;
    if (position < 0n) throw new SeekError(errno.EINVAL);
    state.position = position;
    return position;
  }

  /** The agent answered a SEEK_END/SEEK_DATA/SEEK_HOLE on an owned handle with this position. */
  seeked(handle: bigint, position: bigint): void {
    const state = this.handles.get(handle);
    if (state) state.position = position;
  }
}

function covers(block: Block, at: bigint, length: number): boolean {
  if (at < block.offset) return false;
  const start = at - block.offset;
  const end = BigInt(block.data.length);
  if (start > end) return false;
  return block.reachesEof || start + BigInt(length) <= end;
}
