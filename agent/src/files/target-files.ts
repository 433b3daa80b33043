// File operations on the target's filesystem, addressed by paths as the target sees them and by handles this
// table hands out. Paths go through resolveInRoot, so nothing here can reach outside the target's root.
import { type BigIntStats, constants, type Dir } from "node:fs";
import type { FileHandle } from "node:fs/promises";
import { lstat, mkdir, open, opendir, readlink, rename, rmdir, stat, unlink } from "node:fs/promises";
import { ErrnoError } from "../errno.ts";
import { type ResolvedPath, resolveInRoot } from "./rooted-path.ts";
import { type Credentials, checkAccess } from "./target-credentials.ts";

/** Largest single read served (the protocol's data limit); the layer's read-ahead asks for chunks up to this. */
export const MAX_READ_BYTES = 1024 * 1024 - 64;

export const SEEK_SET = 0;
export const SEEK_CUR = 1;
export const SEEK_END = 2;
export const SEEK_DATA = 3;
export const SEEK_HOLE = 4;
export const AT_SYMLINK_NOFOLLOW = 0x100;
export const AT_REMOVEDIR = 0x200;
export const RENAME_NOREPLACE = 1;
/** Not in fs.constants; libuv sets close-on-exec on every fd it opens anyway. */
const O_CLOEXEC = 0o2000000;

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
  ino: bigint;
  type: number;
  name: string;
}

interface OpenFile {
  /** Absent for a directory stream opened with DIR_OPEN. */
  file?: FileHandle;
  path: ResolvedPath;
  position: bigint;
  append: boolean;
  dir?: Dir;
  dotsSent?: boolean;
}

export interface TargetFilesOptions {
  /** Whose permissions access() checks; defaults to root. */
  credentials?: () => Promise<Credentials>;
}

/** `dirHandle` 0 means `path` is absolute; otherwise a relative `path` starts at that open remote directory. */
export type At = { dirHandle: number; path: string };

export class TargetFiles {
  readonly #root: string;
  readonly #credentials: () => Promise<Credentials>;
  readonly #open = new Map<number, OpenFile>();
  #nextHandle = 1;

  /** `root` is the target's root directory as the agent sees it, normally /proc/<pid>/root. */
  constructor(root: string, options: TargetFilesOptions = {}) {
    this.#root = root;
    this.#credentials = options.credentials ?? (async () => ({ uid: 0, gid: 0, groups: [] }));
  }

  /** open(2) with Linux flags and mode. */
  async open(at: At, flags: number, mode = 0o666): Promise<number> {
    const exclusive = constants.O_CREAT | constants.O_EXCL;
    const noFollow = (flags & constants.O_NOFOLLOW) !== 0 || (flags & exclusive) === exclusive;
    const path = await this.#resolve(at, !noFollow);
    // Every link is already resolved; O_NOFOLLOW stops a link planted in the last component after our walk.
    const file = await open(path.hostPath, (flags & ~O_CLOEXEC) | constants.O_NOFOLLOW, mode);
    return this.#add({ file, path, position: 0n, append: (flags & constants.O_APPEND) !== 0 });
  }

  /** opendir(3): `path` empty opens a new stream on the directory handle `dirHandle` (fdopendir). */
  async openDir(at: At): Promise<number> {
    const path = at.path === "" ? this.#get(at.dirHandle).path : await this.#resolve(at, true);
    const dir = await opendir(path.hostPath, { bufferSize: 256 });
    return this.#add({ path, position: 0n, append: false, dir });
  }

  /** read(2) when `offset` is -1 (from the position, which advances), pread(2) otherwise. */
  async read(handle: number, offset: bigint, length: number): Promise<Buffer> {
    const entry = this.#get(handle);
    const file = this.#fileOf(entry, handle);
    const at = offset < 0n ? entry.position : offset;
    const buffer = Buffer.allocUnsafe(Math.min(Math.max(length, 0), MAX_READ_BYTES));
    const { bytesRead } = await file.read(buffer, 0, buffer.length, Number(at));
    if (offset < 0n) entry.position += BigInt(bytesRead);
    return buffer.subarray(0, bytesRead);
  }

  /** write(2) when `offset` is -1, pwrite(2) otherwise. */
  async write(handle: number, offset: bigint, data: Uint8Array): Promise<number> {
    const entry = this.#get(handle);
    const file = this.#fileOf(entry, handle);
    if (offset >= 0n) return (await file.write(data, 0, data.length, Number(offset))).bytesWritten;
    if (entry.append) entry.position = (await file.stat({ bigint: true })).size;
    const { bytesWritten } = await file.write(data, 0, data.length, Number(entry.position));
    entry.position += BigInt(bytesWritten);
    return bytesWritten;
  }

  /** lseek(2) including SEEK_DATA/SEEK_HOLE (treating the file as one data extent). Returns the new position. */
  async lseek(handle: number, offset: bigint, whence: number): Promise<bigint> {
    const entry = this.#get(handle);
    let next: bigint;
    if (whence === SEEK_SET) next = offset;
    else if (whence === SEEK_CUR) next = entry.position + offset;
    else {
      const size = (await this.#fileOf(entry, handle).stat({ bigint: true })).size;
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

  async close(handle: number): Promise<void> {
    const entry = this.#get(handle);
    this.#open.delete(handle);
    await entry.dir?.close().catch(() => undefined);
    await entry.file?.close();
  }

  async closeAll(): Promise<void> {
    await Promise.all([...this.#open.keys()].map((handle) => this.close(handle).catch(() => undefined)));
  }

  /** The next batch of at most `max` entries (`.` and `..` first); an empty batch means the end. */
  async readdir(handle: number, max: number): Promise<DirEntry[]> {
    const entry = this.#get(handle);
    entry.dir ??= await opendir(entry.path.hostPath, { bufferSize: 256 });
    const names: Array<{ name: string; type: number }> = [];
    if (!entry.dotsSent) {
      names.push({ name: ".", type: DirentType.dir }, { name: "..", type: DirentType.dir });
      entry.dotsSent = true;
    }
    while (names.length < max) {
      const dirent = await entry.dir.read();
      if (dirent === null) break;
      names.push({ name: dirent.name, type: direntType(dirent) });
    }
    // d_ino is part of a dirent; Node's Dir does not report it, so each entry is lstat'ed (in parallel).
    const dirPath = entry.path.hostPath;
    return Promise.all(
      names.map(async ({ name, type }) => {
        const hostPath =
          name === ".."
            ? (await this.#resolve({ dirHandle: 0, path: `${entry.path.targetPath}/..` }, true)).hostPath
            : `${dirPath}/${name}`;
        const ino = await lstat(name === "." ? dirPath : hostPath, { bigint: true }).then(
          (s) => s.ino,
          () => 0n,
        );
        return { ino, type, name };
      }),
    );
  }

  /** stat/lstat/fstatat; an empty path stats the handle itself (fstat, AT_EMPTY_PATH). */
  async stat(at: At, flags: number): Promise<FileStat> {
    if (at.path === "") {
      const entry = this.#get(at.dirHandle);
      return toFileStat(
        entry.file ? await entry.file.stat({ bigint: true }) : await stat(entry.path.hostPath, { bigint: true }),
      );
    }
    const follow = (flags & AT_SYMLINK_NOFOLLOW) === 0;
    const { hostPath } = await this.#resolve(at, follow);
    return toFileStat(follow ? await stat(hostPath, { bigint: true }) : await lstat(hostPath, { bigint: true }));
  }

  /** access(2)/faccessat(2): R_OK/W_OK/X_OK/F_OK bits, checked against the target process's credentials. */
  async access(at: At, mode: number, flags: number): Promise<void> {
    const fileStat = await this.stat(at, flags & AT_SYMLINK_NOFOLLOW);
    checkAccess(fileStat, mode, await this.#credentials());
  }

  /** The link text exactly as stored; the target interprets it relative to its own root. */
  async readlink(at: At): Promise<string> {
    return readlink((await this.#resolve(at, false)).hostPath);
  }

  async mkdir(at: At, mode: number): Promise<void> {
    await mkdir((await this.#resolve(at, false)).hostPath, { mode });
  }

  /** unlinkat(2): AT_REMOVEDIR makes it rmdir. */
  async unlink(at: At, flags: number): Promise<void> {
    const { hostPath } = await this.#resolve(at, false);
    if (flags & AT_REMOVEDIR) await rmdir(hostPath);
    else await unlink(hostPath);
  }

  /** renameat2(2) with flags 0 or RENAME_NOREPLACE (checked just before the rename). */
  async rename(from: At, to: At, flags: number): Promise<void> {
    if (flags & ~RENAME_NOREPLACE)
      throw new ErrnoError("EINVAL", `rename flags 0x${flags.toString(16)} are not supported`);
    const source = await this.#resolve(from, false);
    const destination = await this.#resolve(to, false);
    if (flags & RENAME_NOREPLACE) {
      const exists = await lstat(destination.hostPath).then(
        () => true,
        () => false,
      );
      if (exists) throw new ErrnoError("EEXIST", `${to.path} exists`);
    }
    await rename(source.hostPath, destination.hostPath);
  }

  #add(entry: OpenFile): number {
    const handle = this.#nextHandle++;
    this.#open.set(handle, entry);
    return handle;
  }

  #resolve(at: At, followLast: boolean): Promise<ResolvedPath> {
    const path =
      at.dirHandle === 0 || at.path.startsWith("/") ? at.path : `${this.#get(at.dirHandle).path.targetPath}/${at.path}`;
    return resolveInRoot(this.#root, path, { followLast });
  }

  #get(handle: number): OpenFile {
    const entry = this.#open.get(handle);
    if (!entry) throw new ErrnoError("EBADF", `file handle ${handle} is not open`);
    return entry;
  }

  #fileOf(entry: OpenFile, handle: number): FileHandle {
    if (!entry.file) throw new ErrnoError("EISDIR", `handle ${handle} is a directory stream`);
    return entry.file;
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
