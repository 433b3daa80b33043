// File operations on the target's filesystem, addressed by paths as the target sees them and by handles this
// table hands out. Paths go through resolveInRoot, so nothing here can reach outside the target's root.
import { type BigIntStats, constants, type Dir } from "node:fs";
import type { FileHandle } from "node:fs/promises";
import { access, lstat, mkdir, open, opendir, readlink, rename, rmdir, stat, unlink } from "node:fs/promises";
import { ErrnoError } from "../errno.ts";
import { resolveInRoot } from "./rooted-path.ts";

/** Largest single read we serve; the layer's read-ahead asks for chunks up to this size. */
export const MAX_READ_BYTES = 1024 * 1024;

export const SEEK_SET = 0;
export const SEEK_CUR = 1;
export const SEEK_END = 2;
export const SEEK_DATA = 3;
export const SEEK_HOLE = 4;

/** Linux d_type values, as readdir(3) reports them. */
export const DirentType = { unknown: 0, fifo: 1, char: 2, dir: 4, block: 6, file: 8, link: 10, socket: 12 } as const;

export interface FileStat {
  dev: bigint;
  ino: bigint;
  mode: number;
  nlink: bigint;
  uid: number;
  gid: number;
  rdev: bigint;
  size: bigint;
  blksize: bigint;
  blocks: bigint;
  atimeNs: bigint;
  mtimeNs: bigint;
  ctimeNs: bigint;
  birthtimeNs: bigint;
}

export interface DirEntry {
  name: string;
  type: number;
}

interface OpenFile {
  file: FileHandle;
  hostPath: string;
  position: bigint;
  append: boolean;
  dir?: Dir;
  dotsSent?: boolean;
}

export class TargetFiles {
  readonly #root: string;
  readonly #open = new Map<number, OpenFile>();
  #nextHandle = 1;

  /** `root` is the target's root directory as the agent sees it, normally /proc/<pid>/root. */
  constructor(root: string) {
    this.#root = root;
  }

  get openCount(): number {
    return this.#open.size;
  }

  /** open(2) with Linux flags and mode; returns the handle and the file's stat (saves the layer a round trip). */
  async open(path: string, flags: number, mode = 0o666): Promise<{ handle: number; stat: FileStat }> {
    const noFollow =
      (flags & constants.O_NOFOLLOW) !== 0 ||
      (flags & (constants.O_CREAT | constants.O_EXCL)) === (constants.O_CREAT | constants.O_EXCL);
    const hostPath = await this.#resolve(path, !noFollow);
    // Every link is already resolved; O_NOFOLLOW stops a link planted in the last component after our walk.
    const file = await open(hostPath, flags | constants.O_NOFOLLOW, mode);
    const handle = this.#nextHandle++;
    this.#open.set(handle, { file, hostPath, position: 0n, append: (flags & constants.O_APPEND) !== 0 });
    return { handle, stat: toFileStat(await file.stat({ bigint: true })) };
  }

  /** read(2): from the handle's position, which then advances. */
  async read(handle: number, length: number): Promise<Buffer> {
    const entry = this.#get(handle);
    const data = await this.#readAt(entry, entry.position, length);
    entry.position += BigInt(data.length);
    return data;
  }

  /** pread(2): at `offset`, position untouched. */
  async pread(handle: number, offset: bigint, length: number): Promise<Buffer> {
    return this.#readAt(this.#get(handle), offset, length);
  }

  async write(handle: number, data: Uint8Array): Promise<number> {
    const entry = this.#get(handle);
    if (entry.append) entry.position = (await entry.file.stat({ bigint: true })).size;
    const { bytesWritten } = await entry.file.write(data, 0, data.length, Number(entry.position));
    entry.position += BigInt(bytesWritten);
    return bytesWritten;
  }

  async pwrite(handle: number, offset: bigint, data: Uint8Array): Promise<number> {
    const { bytesWritten } = await this.#get(handle).file.write(data, 0, data.length, Number(offset));
    return bytesWritten;
  }

  /** lseek(2) including SEEK_DATA/SEEK_HOLE (treating the file as one data extent). Returns the new position. */
  async lseek(handle: number, offset: bigint, whence: number): Promise<bigint> {
    const entry = this.#get(handle);
    let next: bigint;
    if (whence === SEEK_SET) next = offset;
    else if (whence === SEEK_CUR) next = entry.position + offset;
    else {
      const size = (await entry.file.stat({ bigint: true })).size;
      if (whence === SEEK_END) next = size + offset;
      else if (whence === SEEK_DATA || whence === SEEK_HOLE) {
        if (offset >= size || offset < 0n) throw new ErrnoError("ENXIO", `seek offset ${offset} is past the end`);
        next = whence === SEEK_DATA ? offset : size;
      } else throw new ErrnoError("EINVAL", `unknown lseek whence ${whence}`);
    }
    if (next < 0n) throw new ErrnoError("EINVAL", `lseek to negative offset ${next}`);
    entry.position = next;
    return next;
  }

  async fstat(handle: number): Promise<FileStat> {
    return toFileStat(await this.#get(handle).file.stat({ bigint: true }));
  }

  async close(handle: number): Promise<void> {
    const entry = this.#get(handle);
    this.#open.delete(handle);
    await entry.dir?.close().catch(() => undefined);
    await entry.file.close();
  }

  async closeAll(): Promise<void> {
    await Promise.all([...this.#open.keys()].map((handle) => this.close(handle).catch(() => undefined)));
  }

  /** The next batch of at most `max` entries of a handle opened on a directory; an empty batch means the end. */
  async readdir(handle: number, max: number): Promise<DirEntry[]> {
    const entry = this.#get(handle);
    entry.dir ??= await opendir(entry.hostPath, { bufferSize: Math.min(Math.max(max, 32), 1024) });
    const batch: DirEntry[] = [];
    if (!entry.dotsSent) {
      batch.push({ name: ".", type: DirentType.dir }, { name: "..", type: DirentType.dir });
      entry.dotsSent = true;
    }
    while (batch.length < max) {
      const dirent = await entry.dir.read();
      if (dirent === null) break;
      batch.push({ name: dirent.name, type: direntType(dirent) });
    }
    return batch;
  }

  async stat(path: string): Promise<FileStat> {
    return toFileStat(await stat(await this.#resolve(path, true), { bigint: true }));
  }

  async lstat(path: string): Promise<FileStat> {
    return toFileStat(await lstat(await this.#resolve(path, false), { bigint: true }));
  }

  /** access(2) with R_OK/W_OK/X_OK/F_OK bits. */
  async access(path: string, mode: number): Promise<void> {
    await access(await this.#resolve(path, true), mode);
  }

  /** The link text exactly as stored; the target interprets it relative to its own root. */
  async readlink(path: string): Promise<string> {
    return readlink(await this.#resolve(path, false));
  }

  async mkdir(path: string, mode: number): Promise<void> {
    await mkdir(await this.#resolve(path, false), { mode });
  }

  async unlink(path: string): Promise<void> {
    await unlink(await this.#resolve(path, false));
  }

  async rmdir(path: string): Promise<void> {
    await rmdir(await this.#resolve(path, false));
  }

  async rename(from: string, to: string): Promise<void> {
    await rename(await this.#resolve(from, false), await this.#resolve(to, false));
  }

  async #readAt(entry: OpenFile, offset: bigint, length: number): Promise<Buffer> {
    const buffer = Buffer.allocUnsafe(Math.min(Math.max(length, 0), MAX_READ_BYTES));
    const { bytesRead } = await entry.file.read(buffer, 0, buffer.length, Number(offset));
    return buffer.subarray(0, bytesRead);
  }

  #resolve(path: string, followLast: boolean): Promise<string> {
    return resolveInRoot(this.#root, path, { followLast });
  }

  #get(handle: number): OpenFile {
    const entry = this.#open.get(handle);
    if (!entry) throw new ErrnoError("EBADF", `file handle ${handle} is not open`);
    return entry;
  }
}

function direntType(dirent: {
  isFile(): boolean;
  isDirectory(): boolean;
  isSymbolicLink(): boolean;
  isFIFO(): boolean;
  isSocket(): boolean;
  isCharacterDevice(): boolean;
  isBlockDevice(): boolean;
}): number {
  if (dirent.isFile()) return DirentType.file;
  if (dirent.isDirectory()) return DirentType.dir;
  if (dirent.isSymbolicLink()) return DirentType.link;
  if (dirent.isFIFO()) return DirentType.fifo;
  if (dirent.isSocket()) return DirentType.socket;
  if (dirent.isCharacterDevice()) return DirentType.char;
  if (dirent.isBlockDevice()) return DirentType.block;
  return DirentType.unknown;
}

function toFileStat(s: BigIntStats): FileStat {
  return {
    dev: s.dev,
    ino: s.ino,
    mode: Number(s.mode),
    nlink: s.nlink,
    uid: Number(s.uid),
    gid: Number(s.gid),
    rdev: s.rdev,
    size: s.size,
    blksize: s.blksize,
    blocks: s.blocks,
    atimeNs: s.atimeNs,
    mtimeNs: s.mtimeNs,
    ctimeNs: s.ctimeNs,
    birthtimeNs: s.birthtimeNs,
  };
}
