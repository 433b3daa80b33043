// FILE_* and DIR_* requests (PROTOCOL.md §7), served from the target's root through TargetFiles.
import type { Body } from "../../../shared/protocol/index.ts";
import { MAX_DATA } from "../../../shared/protocol/index.ts";
import { wireToNativeOpenFlags } from "../files/open-flags.ts";
import type { At, FileStat } from "../files/target-files.ts";
import type { HandlerTable } from "./session.ts";

const STATX_BASIC_STATS = 0x7ff;
const STATX_BTIME = 0x800;
const NS_PER_SEC = 1_000_000_000n;
/** Keeps a DIR_ENTRIES batch well inside one frame even with 255-byte names. */
const MAX_DIR_BATCH = 2048;

const utf8 = new TextDecoder();

function at(dirHandle: bigint, path: Uint8Array): At {
  return { dirHandle: Number(dirHandle), path: utf8.decode(path) };
}

function statsBody(s: FileStat): Body<"FILE_STATS"> {
  const split = (ns: bigint) => ({ sec: ns / NS_PER_SEC, nsec: Number(ns % NS_PER_SEC) });
  const [a, m, c, b] = [split(s.atimeNs), split(s.mtimeNs), split(s.ctimeNs), split(s.birthtimeNs)];
  return {
    mask: STATX_BASIC_STATS | (s.birthtimeNs > 0n ? STATX_BTIME : 0),
    dev: s.dev,
    ino: s.ino,
    mode: s.mode,
    nlink: Number(s.nlink),
    uid: s.uid,
    gid: s.gid,
    rdev: s.rdev,
    size: s.size,
    blksize: Number(s.blksize),
    blocks: s.blocks,
    atime_sec: a.sec,
    atime_nsec: a.nsec,
    mtime_sec: m.sec,
    mtime_nsec: m.nsec,
    ctime_sec: c.sec,
    ctime_nsec: c.nsec,
    btime_sec: b.sec,
    btime_nsec: b.nsec,
  };
}

export const fileHandlers: HandlerTable = {
  async FILE_OPEN(session, body, requestId) {
    const flags = wireToNativeOpenFlags(body.flags);
    const handle = await session.files.open(at(body.dir_handle, body.path), flags, body.mode);
    session.reply("FILE_HANDLE", requestId, { handle: BigInt(handle) });
  },
  async FILE_READ(session, body, requestId) {
    const data = await session.files.read(Number(body.handle), body.offset, Math.min(body.max_len, MAX_DATA));
    session.reply("FILE_DATA", requestId, { data });
  },
  async FILE_WRITE(session, body, requestId) {
    const count = await session.files.write(Number(body.handle), body.offset, body.data);
    session.reply("FILE_WRITTEN", requestId, { count });
  },
  async FILE_SEEK(session, body, requestId) {
    const offset = await session.files.lseek(Number(body.handle), body.offset, body.whence);
    session.reply("FILE_POSITION", requestId, { offset });
  },
  async FILE_CLOSE(session, body, requestId) {
    await session.files.close(Number(body.handle));
    session.reply("OK", requestId, {});
  },
  async FILE_STAT(session, body, requestId) {
    const stat = await session.files.stat(at(body.dir_handle, body.path), body.flags);
    session.reply("FILE_STATS", requestId, statsBody(stat));
  },
  async FILE_ACCESS(session, body, requestId) {
    await session.files.access(at(body.dir_handle, body.path), body.mode, body.flags);
    session.reply("OK", requestId, {});
  },
  async FILE_READLINK(session, body, requestId) {
    const target = await session.files.readlink(at(body.dir_handle, body.path));
    session.reply("FILE_LINK", requestId, { target: Buffer.from(target) });
  },
  async DIR_OPEN(session, body, requestId) {
    const handle = await session.files.openDir(at(body.dir_handle, body.path));
    session.reply("FILE_HANDLE", requestId, { handle: BigInt(handle) });
  },
  async DIR_READ(session, body, requestId) {
    const entries = await session.files.readdir(
      Number(body.handle),
      Math.min(Math.max(body.max_entries, 1), MAX_DIR_BATCH),
    );
    session.reply("DIR_ENTRIES", requestId, {
      entries: entries.map((e) => ({ ino: e.ino, type: e.type, name: Buffer.from(e.name) })),
    });
  },
  async FILE_MKDIR(session, body, requestId) {
    await session.files.mkdir(at(body.dir_handle, body.path), body.mode);
    session.reply("OK", requestId, {});
  },
  async FILE_UNLINK(session, body, requestId) {
    await session.files.unlink(at(body.dir_handle, body.path), body.flags);
    session.reply("OK", requestId, {});
  },
  async FILE_RENAME(session, body, requestId) {
    await session.files.rename(
      at(body.old_dir_handle, body.old_path),
      at(body.new_dir_handle, body.new_path),
      body.flags,
    );
    session.reply("OK", requestId, {});
  },
};
