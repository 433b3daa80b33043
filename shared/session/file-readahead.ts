// Read-ahead for remote files opened read-only. The proxy owns the file position of such handles and turns every
// read into a large pread at that position, keeping the block, so small reads (a byte at a time, line readers) are
// answered without a round trip to the agent. Positions are per handle, which is what a shared open file
// description does after dup or fork. Handles opened for writing are left to the agent untouched.
//
// Opening such a file also starts, at once, the two requests nearly every reader sends next — fstat and the first
// block — so that they are already under way (or answered) when the app asks. Attributes from fstat are then
// reused for `attributeCacheMs`, the way NFS caches attributes: readers that fstat twice in a row (Python's open()
// and read()) pay one round trip.
import { constants } from "node:os";
import { type Body, MAX_DATA } from "../protocol/index.ts";

export const readAheadBytes = 256 * 1024;
/** The largest block: whole 64 KiB units within a frame, so 64 KiB readers never straddle two blocks. */
const maxBlockBytes = Math.floor(MAX_DATA / 65536) * 65536;
export const attributeCacheMs = 100;

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

type Stats = Body<"FILE_STATS">;

interface ReadOnlyHandle {
  position: bigint;
  block: Block | undefined;
  /** The first block, requested when the file was opened. */
  firstBlock: Promise<Block> | undefined;
  /** The block after `block`, requested while a sequential reader was still consuming `block`. */
  nextBlock: { offset: bigint; block: Promise<Block> } | undefined;
  attributes: Promise<Stats> | undefined;
  attributesAt: number;
}

/** The agent requests the read-ahead needs: FILE_READ at an explicit offset, and FILE_STAT of an open handle. */
export interface AgentFiles {
  pread(handle: bigint, offset: bigint, length: number): Promise<Uint8Array>;
  fstat(handle: bigint): Promise<Stats>;
}

export class SeekError extends Error {
  constructor(readonly errno: number) {
    super("invalid seek");
  }
}

export class FileReadAhead {
  private readonly handles = new Map<bigint, ReadOnlyHandle>();

  constructor(private readonly agent: AgentFiles) {}

  /** Call with every successful FILE_OPEN; only read-only handles are taken over (and prefetched). */
  opened(flags: number, handle: bigint): void {
    if ((flags & O_ACCMODE) !== O_RDONLY) return;
    const state: ReadOnlyHandle = {
      position: 0n,
      block: undefined,
      firstBlock: this.fetchBlock(handle, 0n, readAheadBytes),
      nextBlock: undefined,
      attributes: this.agent.fstat(handle),
      attributesAt: Date.now(),
    };
    // Prefetches nobody asks for must not surface as unhandled rejections; a reader awaiting them sees the error.
    state.firstBlock?.catch(() => {});
    state.attributes?.catch(() => {});
    this.handles.set(handle, state);
  }

  closed(handle: bigint): void {
    this.handles.delete(handle);
  }

  owns(handle: bigint): boolean {
    return this.handles.has(handle);
  }

  /** FILE_STAT of an owned handle itself (fstat): answered from attributes at most `attributeCacheMs` old. */
  async fstat(handle: bigint): Promise<Stats> {
    const state = this.handles.get(handle);
    if (!state) throw new Error(`handle ${handle} is not read-only`);
    if (!state.attributes || Date.now() - state.attributesAt > attributeCacheMs) {
      state.attributes = this.agent.fstat(handle);
      state.attributesAt = Date.now();
    }
    const attributes = state.attributes;
    try {
      return await attributes;
    } catch (error) {
      if (state.attributes === attributes) state.attributes = undefined;
      throw error;
    }
  }

  /** FILE_READ on an owned handle: offset -1 reads at the position and advances it. */
  async read(handle: bigint, offset: bigint, maxLength: number): Promise<Uint8Array> {
    const state = this.handles.get(handle);
    if (!state) throw new Error(`handle ${handle} is not read-only`);
    const at = offset < 0n ? state.position : offset;
    const wanted = Math.min(maxLength, MAX_DATA);
    if (state.firstBlock) {
      const first = state.firstBlock;
      state.firstBlock = undefined;
      state.block = await first.catch(() => state.block);
    }
    let block = state.block;
    if (!block || !covers(block, at, wanted)) {
      block = await this.blockFor(handle, state, at, wanted);
      // A concurrent close may have dropped the handle while we waited; keep nothing for it then.
      if (this.handles.get(handle) === state) state.block = block;
    }
    const start = Number(at - block.offset);
    const served = block.data.subarray(start, start + wanted);
    if (offset < 0n) state.position = at + BigInt(served.length);
    this.prefetchNext(handle, state, block, at + BigInt(served.length));
    return served;
  }

  /** A block that holds [at, at + wanted): the prefetched next block (joined to the tail of the current one when
   * the read straddles them), or a fresh read. */
  private async blockFor(handle: bigint, state: ReadOnlyHandle, at: bigint, wanted: number): Promise<Block> {
    const current = state.block;
    const next = state.nextBlock;
    state.nextBlock = undefined;
    const currentEnd = current ? current.offset + BigInt(current.data.length) : -1n;
    if (
      next &&
      (next.offset === at || (current && at >= current.offset && at < currentEnd && next.offset === currentEnd))
    ) {
      const following = await next.block.catch(() => undefined);
      if (following) {
        const joined =
          following.offset === at
            ? following
            : {
                offset: at,
                data: Buffer.concat([
                  (current as Block).data.subarray(Number(at - (current as Block).offset)),
                  following.data,
                ]),
                reachesEof: following.reachesEof,
              };
        if (covers(joined, at, wanted)) return joined;
      }
    }
    return this.fetchBlock(handle, at, Math.min(Math.max(wanted, readAheadBytes), maxBlockBytes));
  }

  /**
   * A reader past the middle of its block gets the following block requested now, twice as large (up to the
   * largest frame), so a sequential reader keeps one request to the agent in flight instead of waiting for each.
   */
  private prefetchNext(handle: bigint, state: ReadOnlyHandle, block: Block, readTo: bigint): void {
    const length = block.data.length;
    const end = block.offset + BigInt(length);
    if (block.reachesEof || state.nextBlock || readTo < block.offset + BigInt(length / 2)) return;
    const next = this.fetchBlock(handle, end, Math.min(length * 2, maxBlockBytes));
    next.catch(() => {});
    state.nextBlock = { offset: end, block: next };
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

  private async fetchBlock(handle: bigint, offset: bigint, length: number): Promise<Block> {
    const data = await this.agent.pread(handle, offset, length);
    return {
      offset,
      data: Buffer.from(data.buffer, data.byteOffset, data.byteLength),
      reachesEof: data.byteLength < length,
    };
  }
}

function covers(block: Block, at: bigint, length: number): boolean {
  if (at < block.offset) return false;
  const start = at - block.offset;
  const end = BigInt(block.data.length);
  if (start > end) return false;
  return block.reachesEof || start + BigInt(length) <= end;
}
