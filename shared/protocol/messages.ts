// The message table of PROTOCOL.md §4–§11: every message code and its field layout, as data.
// The codec, the canonical JSON form and the value types below are all derived from these two records;
// the C codec has the same table in native-layer/src/proto/messages.def, and the vectors keep the two equal.

export const PROTOCOL_VERSION = 1;
export const HEADER_SIZE = 10;
/** Bytes `length` counts besides the payload: type (2) + request id (4). */
export const LENGTH_OVERHEAD = 6;
export const MAX_PAYLOAD = 1024 * 1024;
/** Largest data field (read size, NET_DATA chunk) so that any frame carrying it stays within MAX_PAYLOAD. */
export const MAX_DATA = MAX_PAYLOAD - 64;

export const MessageCode = {
  HELLO: 0x0001,
  HELLO_OK: 0x0002,
  PING: 0x0003,
  PONG: 0x0004,
  ERROR: 0x0005,
  OK: 0x0006,
  LOG: 0x0007,
  LAYER_CONFIG_GET: 0x0100,
  LAYER_CONFIG: 0x0101,
  FILE_OPEN: 0x0200,
  FILE_HANDLE: 0x0201,
  FILE_READ: 0x0202,
  FILE_DATA: 0x0203,
  FILE_WRITE: 0x0204,
  FILE_WRITTEN: 0x0205,
  FILE_SEEK: 0x0206,
  FILE_POSITION: 0x0207,
  FILE_CLOSE: 0x0208,
  FILE_STAT: 0x0209,
  FILE_STATS: 0x020a,
  FILE_ACCESS: 0x020b,
  FILE_READLINK: 0x020c,
  FILE_LINK: 0x020d,
  DIR_OPEN: 0x020e,
  DIR_READ: 0x020f,
  DIR_ENTRIES: 0x0210,
  FILE_MKDIR: 0x0211,
  FILE_UNLINK: 0x0212,
  FILE_RENAME: 0x0213,
  DNS_GETADDRINFO: 0x0300,
  DNS_ADDRINFO: 0x0301,
  DNS_GETNAMEINFO: 0x0302,
  DNS_NAMEINFO: 0x0303,
  NET_CONNECT: 0x0400,
  NET_CONNECTED: 0x0401,
  NET_UDP_BIND: 0x0402,
  NET_DATA: 0x0403,
  NET_DATAGRAM: 0x0404,
  NET_SHUTDOWN: 0x0405,
  NET_CLOSE: 0x0406,
  NET_PAUSE: 0x0407,
  NET_RESUME: 0x0408,
  IN_SUBSCRIBE: 0x0500,
  IN_UNSUBSCRIBE: 0x0501,
  IN_CONNECTION: 0x0502,
  IN_PEER_GET: 0x0503,
  IN_PEER: 0x0504,
  ENV_GET: 0x0600,
  ENV_VARS: 0x0601,
} as const;

export type MessageName = keyof typeof MessageCode;

export type ScalarKind = "u8" | "u16" | "u32" | "i32" | "u64" | "i64" | "bool" | "str" | "bytes" | "addr";
export type Field =
  | readonly [name: string, kind: ScalarKind]
  | readonly [name: string, kind: "list", element: ScalarKind | Layout];
export type Layout = readonly Field[];

const filter = [
  ["protocol", "u8"],
  ["prefix_len", "u8"],
  ["address", "addr"],
  ["name", "str"],
] as const;
const portPair = [
  ["local", "u16"],
  ["remote", "u16"],
] as const;
const dirent = [
  ["ino", "u64"],
  ["type", "u8"],
  ["name", "bytes"],
] as const;
const addrinfo = [
  ["socktype", "u32"],
  ["protocol", "u32"],
  ["address", "addr"],
  ["canonname", "str"],
] as const;
const envVar = [
  ["key", "str"],
  ["value", "str"],
] as const;

export const layouts = {
  HELLO: [
    ["min_version", "u16"],
    ["max_version", "u16"],
    ["role", "u8"],
    ["token", "str"],
    ["pid", "u32"],
    ["ppid", "u32"],
    ["exe", "bytes"],
  ],
  HELLO_OK: [
    ["version", "u16"],
    ["role", "u8"],
    ["software", "str"],
  ],
  PING: [["nonce", "u64"]],
  PONG: [["nonce", "u64"]],
  ERROR: [
    ["errnum", "u32"],
    ["message", "str"],
  ],
  OK: [],
  LOG: [
    ["level", "u8"],
    ["text", "str"],
  ],
  LAYER_CONFIG_GET: [],
  LAYER_CONFIG: [
    ["fs_mode", "u8"],
    ["fs_read_write", "list", "str"],
    ["fs_read_only", "list", "str"],
    ["fs_local", "list", "str"],
    ["fs_not_found", "list", "str"],
    ["outgoing_tcp", "bool"],
    ["outgoing_udp", "bool"],
    ["outgoing_filter_mode", "u8"],
    ["outgoing_filter", "list", filter],
    ["dns_enabled", "bool"],
    ["dns_filter_mode", "u8"],
    ["dns_filter", "list", filter],
    ["incoming_mode", "u8"],
    ["incoming_ports", "list", "u16"],
    ["incoming_ignore_ports", "list", "u16"],
    ["port_mapping", "list", portPair],
    ["listen_ports", "list", portPair],
    ["incoming_ignore_localhost", "bool"],
    ["ignore_localhost", "bool"],
    ["skip_processes", "list", "str"],
    ["skip_build_tools", "bool"],
    ["log_level", "u8"],
  ],
  FILE_OPEN: [
    ["dir_handle", "u64"],
    ["flags", "u32"],
    ["mode", "u32"],
    ["path", "bytes"],
  ],
  FILE_HANDLE: [["handle", "u64"]],
  FILE_READ: [
    ["handle", "u64"],
    ["offset", "i64"],
    ["max_len", "u32"],
  ],
  FILE_DATA: [["data", "bytes"]],
  FILE_WRITE: [
    ["handle", "u64"],
    ["offset", "i64"],
    ["data", "bytes"],
  ],
  FILE_WRITTEN: [["count", "u32"]],
  FILE_SEEK: [
    ["handle", "u64"],
    ["offset", "i64"],
    ["whence", "u8"],
  ],
  FILE_POSITION: [["offset", "i64"]],
  FILE_CLOSE: [["handle", "u64"]],
  FILE_STAT: [
    ["dir_handle", "u64"],
    ["flags", "u32"],
    ["path", "bytes"],
  ],
  FILE_STATS: [
    ["mask", "u32"],
    ["dev", "u64"],
    ["ino", "u64"],
    ["mode", "u32"],
    ["nlink", "u32"],
    ["uid", "u32"],
    ["gid", "u32"],
    ["rdev", "u64"],
    ["size", "i64"],
    ["blksize", "u32"],
    ["blocks", "u64"],
    ["atime_sec", "i64"],
    ["atime_nsec", "u32"],
    ["mtime_sec", "i64"],
    ["mtime_nsec", "u32"],
    ["ctime_sec", "i64"],
    ["ctime_nsec", "u32"],
    ["btime_sec", "i64"],
    ["btime_nsec", "u32"],
  ],
  FILE_ACCESS: [
    ["dir_handle", "u64"],
    ["mode", "u32"],
    ["flags", "u32"],
    ["path", "bytes"],
  ],
  FILE_READLINK: [
    ["dir_handle", "u64"],
    ["path", "bytes"],
  ],
  FILE_LINK: [["target", "bytes"]],
  DIR_OPEN: [
    ["dir_handle", "u64"],
    ["path", "bytes"],
  ],
  DIR_READ: [
    ["handle", "u64"],
    ["max_entries", "u32"],
  ],
  DIR_ENTRIES: [["entries", "list", dirent]],
  FILE_MKDIR: [
    ["dir_handle", "u64"],
    ["mode", "u32"],
    ["path", "bytes"],
  ],
  FILE_UNLINK: [
    ["dir_handle", "u64"],
    ["flags", "u32"],
    ["path", "bytes"],
  ],
  FILE_RENAME: [
    ["old_dir_handle", "u64"],
    ["old_path", "bytes"],
    ["new_dir_handle", "u64"],
    ["new_path", "bytes"],
    ["flags", "u32"],
  ],
  DNS_GETADDRINFO: [
    ["host", "str"],
    ["service", "str"],
    ["family", "u32"],
    ["socktype", "u32"],
    ["protocol", "u32"],
    ["flags", "u32"],
  ],
  DNS_ADDRINFO: [
    ["status", "i32"],
    ["entries", "list", addrinfo],
  ],
  DNS_GETNAMEINFO: [
    ["address", "addr"],
    ["flags", "u32"],
  ],
  DNS_NAMEINFO: [
    ["status", "i32"],
    ["host", "str"],
    ["service", "str"],
  ],
  NET_CONNECT: [
    ["protocol", "u8"],
    ["remote", "addr"],
  ],
  NET_CONNECTED: [
    ["conn_id", "u32"],
    ["local", "addr"],
    ["remote", "addr"],
    ["standin", "addr"],
  ],
  NET_UDP_BIND: [["local", "addr"]],
  NET_DATA: [
    ["conn_id", "u32"],
    ["data", "bytes"],
  ],
  NET_DATAGRAM: [
    ["conn_id", "u32"],
    ["peer", "addr"],
    ["data", "bytes"],
  ],
  NET_SHUTDOWN: [["conn_id", "u32"]],
  NET_CLOSE: [
    ["conn_id", "u32"],
    ["errnum", "u32"],
  ],
  NET_PAUSE: [["conn_id", "u32"]],
  NET_RESUME: [["conn_id", "u32"]],
  IN_SUBSCRIBE: [
    ["port", "u16"],
    ["mode", "u8"],
    ["app", "addr"],
    ["concurrent_steal", "u8"],
    ["mirror_percent", "u8"],
    ["http_filter", "str"],
  ],
  IN_UNSUBSCRIBE: [["port", "u16"]],
  IN_CONNECTION: [
    ["conn_id", "u32"],
    ["port", "u16"],
    ["remote", "addr"],
    ["local", "addr"],
  ],
  IN_PEER_GET: [["proxy_side", "addr"]],
  IN_PEER: [
    ["remote", "addr"],
    ["local", "addr"],
  ],
  ENV_GET: [
    ["include", "list", "str"],
    ["exclude", "list", "str"],
  ],
  ENV_VARS: [["vars", "list", envVar]],
} as const satisfies Record<MessageName, Layout>;

export const messageNameByCode: ReadonlyMap<number, MessageName> = new Map(
  Object.entries(MessageCode).map(([name, code]) => [code, name as MessageName]),
);

/** An `addr` field: family 0 (none), 4 or 6; `ip` is "" for family 0. */
export interface Address {
  family: 0 | 4 | 6;
  ip: string;
  port: number;
}

type ScalarValue<K> = K extends "u8" | "u16" | "u32" | "i32"
  ? number
  : K extends "u64" | "i64"
    ? bigint
    : K extends "bool"
      ? boolean
      : K extends "str"
        ? string
        : K extends "bytes"
          ? Uint8Array
          : K extends "addr"
            ? Address
            : never;
type ElementValue<E> = E extends Layout ? RecordValue<E> : ScalarValue<E>;
type FieldValue<F> = F extends readonly [string, "list", infer E]
  ? ElementValue<E>[]
  : F extends readonly [string, infer K]
    ? ScalarValue<K>
    : never;
export type RecordValue<L extends Layout> = { [F in L[number] as F[0]]: FieldValue<F> };

export type Body<N extends MessageName> = RecordValue<(typeof layouts)[N]>;

/** One decoded frame. `requestId` is 0 for events. */
export type Frame = { [N in MessageName]: { type: N; requestId: number; body: Body<N> } }[MessageName];
