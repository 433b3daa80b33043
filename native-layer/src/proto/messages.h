/*
 * The message table of shared/protocol/PROTOCOL.md §4-§11 as X-macros; proto.h turns it into structs and proto.c
 * into the descriptor tables the codec walks. Keep it in the same order as shared/protocol/messages.ts: the shared
 * vectors (shared/protocol/vectors) fail when the two tables disagree.
 *
 * DPL_MESSAGES(M, E): M(code, NAME, name) for a message with fields, E(code, NAME, name) for an empty one.
 * DPL_FIELDS_<name>(F, S): one F(S, KIND, field, element) per field, in wire order. KIND is a scalar kind
 *   (U8 U16 U32 I32 U64 I64 BOOL STR BYTES ADDR), LIST (element: a scalar kind) or LISTR (element: a record name).
 * DPL_RECORDS(R): R(name) for each record used as a list element; its fields are DPL_FIELDS_<name> too.
 */
#ifndef DPL_PROTO_MESSAGES_H
#define DPL_PROTO_MESSAGES_H

#define DPL_MESSAGES(M, E)                      \
    M(0x0001, HELLO, hello)                     \
    M(0x0002, HELLO_OK, hello_ok)               \
    M(0x0003, PING, ping)                       \
    M(0x0004, PONG, pong)                       \
    M(0x0005, ERROR, error)                     \
    E(0x0006, OK, ok)                           \
    M(0x0007, LOG, log)                         \
    E(0x0100, LAYER_CONFIG_GET, layer_config_get) \
    M(0x0101, LAYER_CONFIG, layer_config)       \
    M(0x0200, FILE_OPEN, file_open)             \
    M(0x0201, FILE_HANDLE, file_handle)         \
    M(0x0202, FILE_READ, file_read)             \
    M(0x0203, FILE_DATA, file_data)             \
    M(0x0204, FILE_WRITE, file_write)           \
    M(0x0205, FILE_WRITTEN, file_written)       \
    M(0x0206, FILE_SEEK, file_seek)             \
    M(0x0207, FILE_POSITION, file_position)     \
    M(0x0208, FILE_CLOSE, file_close)           \
    M(0x0209, FILE_STAT, file_stat)             \
    M(0x020a, FILE_STATS, file_stats)           \
    M(0x020b, FILE_ACCESS, file_access)         \
    M(0x020c, FILE_READLINK, file_readlink)     \
    M(0x020d, FILE_LINK, file_link)             \
    M(0x020e, DIR_OPEN, dir_open)               \
    M(0x020f, DIR_READ, dir_read)               \
    M(0x0210, DIR_ENTRIES, dir_entries)         \
    M(0x0211, FILE_MKDIR, file_mkdir)           \
    M(0x0212, FILE_UNLINK, file_unlink)         \
    M(0x0213, FILE_RENAME, file_rename)         \
    M(0x0300, DNS_GETADDRINFO, dns_getaddrinfo) \
    M(0x0301, DNS_ADDRINFO, dns_addrinfo)       \
    M(0x0302, DNS_GETNAMEINFO, dns_getnameinfo) \
    M(0x0303, DNS_NAMEINFO, dns_nameinfo)       \
    M(0x0400, NET_CONNECT, net_connect)         \
    M(0x0401, NET_CONNECTED, net_connected)     \
    M(0x0402, NET_UDP_BIND, net_udp_bind)       \
    M(0x0403, NET_DATA, net_data)               \
    M(0x0404, NET_DATAGRAM, net_datagram)       \
    M(0x0405, NET_SHUTDOWN, net_shutdown)       \
    M(0x0406, NET_CLOSE, net_close)             \
    M(0x0407, NET_PAUSE, net_pause)             \
    M(0x0408, NET_RESUME, net_resume)           \
    M(0x0500, IN_SUBSCRIBE, in_subscribe)       \
    M(0x0501, IN_UNSUBSCRIBE, in_unsubscribe)   \
    M(0x0502, IN_CONNECTION, in_connection)     \
    M(0x0503, IN_PEER_GET, in_peer_get)         \
    M(0x0504, IN_PEER, in_peer)                 \
    M(0x0600, ENV_GET, env_get)                 \
    M(0x0601, ENV_VARS, env_vars)

#define DPL_RECORDS(R) R(filter) R(port_pair) R(dirent) R(addrinfo) R(env_var)

/* ---- records (list elements) ---- */
#define DPL_FIELDS_filter(F, S) \
    F(S, U8, protocol, _) F(S, U8, prefix_len, _) F(S, ADDR, address, _) F(S, STR, name, _)
#define DPL_FIELDS_port_pair(F, S) F(S, U16, local, _) F(S, U16, remote, _)
#define DPL_FIELDS_dirent(F, S) F(S, U64, ino, _) F(S, U8, type, _) F(S, BYTES, name, _)
#define DPL_FIELDS_addrinfo(F, S) \
    F(S, U32, socktype, _) F(S, U32, protocol, _) F(S, ADDR, address, _) F(S, STR, canonname, _)
#define DPL_FIELDS_env_var(F, S) F(S, STR, key, _) F(S, STR, value, _)

/* ---- session ---- */
#define DPL_FIELDS_hello(F, S)                                                                              \
    F(S, U16, min_version, _) F(S, U16, max_version, _) F(S, U8, role, _) F(S, STR, token, _) F(S, U32, pid, _) \
    F(S, U32, ppid, _) F(S, BYTES, exe, _)
#define DPL_FIELDS_hello_ok(F, S) F(S, U16, version, _) F(S, U8, role, _) F(S, STR, software, _)
#define DPL_FIELDS_ping(F, S) F(S, U64, nonce, _)
#define DPL_FIELDS_pong(F, S) F(S, U64, nonce, _)
#define DPL_FIELDS_error(F, S) F(S, U32, errnum, _) F(S, STR, message, _)
#define DPL_FIELDS_log(F, S) F(S, U8, level, _) F(S, STR, text, _)

/* ---- layer configuration ---- */
#define DPL_FIELDS_layer_config(F, S)                                                                        \
    F(S, U8, fs_mode, _) F(S, LIST, fs_read_write, STR) F(S, LIST, fs_read_only, STR) F(S, LIST, fs_local, STR) \
    F(S, LIST, fs_not_found, STR) F(S, BOOL, outgoing_tcp, _) F(S, BOOL, outgoing_udp, _)                      \
    F(S, U8, outgoing_filter_mode, _) F(S, LISTR, outgoing_filter, filter) F(S, BOOL, dns_enabled, _)           \
    F(S, U8, dns_filter_mode, _) F(S, LISTR, dns_filter, filter) F(S, U8, incoming_mode, _)                     \
    F(S, LIST, incoming_ports, U16) F(S, LIST, incoming_ignore_ports, U16) F(S, LISTR, port_mapping, port_pair)  \
    F(S, LISTR, listen_ports, port_pair) F(S, BOOL, incoming_ignore_localhost, _) F(S, BOOL, ignore_localhost, _) \
    F(S, LIST, skip_processes, STR) F(S, BOOL, skip_build_tools, _) F(S, U8, log_level, _)

/* ---- files ---- */
#define DPL_FIELDS_file_open(F, S) \
    F(S, U64, dir_handle, _) F(S, U32, flags, _) F(S, U32, mode, _) F(S, BYTES, path, _)
#define DPL_FIELDS_file_handle(F, S) F(S, U64, handle, _)
#define DPL_FIELDS_file_read(F, S) F(S, U64, handle, _) F(S, I64, offset, _) F(S, U32, max_len, _)
#define DPL_FIELDS_file_data(F, S) F(S, BYTES, data, _)
#define DPL_FIELDS_file_write(F, S) F(S, U64, handle, _) F(S, I64, offset, _) F(S, BYTES, data, _)
#define DPL_FIELDS_file_written(F, S) F(S, U32, count, _)
#define DPL_FIELDS_file_seek(F, S) F(S, U64, handle, _) F(S, I64, offset, _) F(S, U8, whence, _)
#define DPL_FIELDS_file_position(F, S) F(S, I64, offset, _)
#define DPL_FIELDS_file_close(F, S) F(S, U64, handle, _)
#define DPL_FIELDS_file_stat(F, S) F(S, U64, dir_handle, _) F(S, U32, flags, _) F(S, BYTES, path, _)
#define DPL_FIELDS_file_stats(F, S)                                                                           \
    F(S, U32, mask, _) F(S, U64, dev, _) F(S, U64, ino, _) F(S, U32, mode, _) F(S, U32, nlink, _)               \
    F(S, U32, uid, _) F(S, U32, gid, _) F(S, U64, rdev, _) F(S, I64, size, _) F(S, U32, blksize, _)             \
    F(S, U64, blocks, _) F(S, I64, atime_sec, _) F(S, U32, atime_nsec, _) F(S, I64, mtime_sec, _)               \
    F(S, U32, mtime_nsec, _) F(S, I64, ctime_sec, _) F(S, U32, ctime_nsec, _) F(S, I64, btime_sec, _)           \
    F(S, U32, btime_nsec, _)
#define DPL_FIELDS_file_access(F, S) \
    F(S, U64, dir_handle, _) F(S, U32, mode, _) F(S, U32, flags, _) F(S, BYTES, path, _)
#define DPL_FIELDS_file_readlink(F, S) F(S, U64, dir_handle, _) F(S, BYTES, path, _)
#define DPL_FIELDS_file_link(F, S) F(S, BYTES, target, _)
#define DPL_FIELDS_dir_open(F, S) F(S, U64, dir_handle, _) F(S, BYTES, path, _)
#define DPL_FIELDS_dir_read(F, S) F(S, U64, handle, _) F(S, U32, max_entries, _)
#define DPL_FIELDS_dir_entries(F, S) F(S, LISTR, entries, dirent)
#define DPL_FIELDS_file_mkdir(F, S) F(S, U64, dir_handle, _) F(S, U32, mode, _) F(S, BYTES, path, _)
#define DPL_FIELDS_file_unlink(F, S) F(S, U64, dir_handle, _) F(S, U32, flags, _) F(S, BYTES, path, _)
#define DPL_FIELDS_file_rename(F, S)                                                                 \
    F(S, U64, old_dir_handle, _) F(S, BYTES, old_path, _) F(S, U64, new_dir_handle, _) F(S, BYTES, new_path, _) \
    F(S, U32, flags, _)

/* ---- DNS ---- */
#define DPL_FIELDS_dns_getaddrinfo(F, S)                                                                  \
    F(S, STR, host, _) F(S, STR, service, _) F(S, U32, family, _) F(S, U32, socktype, _) F(S, U32, protocol, _) \
    F(S, U32, flags, _)
#define DPL_FIELDS_dns_addrinfo(F, S) F(S, I32, status, _) F(S, LISTR, entries, addrinfo)
#define DPL_FIELDS_dns_getnameinfo(F, S) F(S, ADDR, address, _) F(S, U32, flags, _)
#define DPL_FIELDS_dns_nameinfo(F, S) F(S, I32, status, _) F(S, STR, host, _) F(S, STR, service, _)

/* ---- network connections ---- */
#define DPL_FIELDS_net_connect(F, S) F(S, U8, protocol, _) F(S, ADDR, remote, _)
#define DPL_FIELDS_net_connected(F, S) \
    F(S, U32, conn_id, _) F(S, ADDR, local, _) F(S, ADDR, remote, _) F(S, ADDR, standin, _)
#define DPL_FIELDS_net_udp_bind(F, S) F(S, ADDR, local, _)
#define DPL_FIELDS_net_data(F, S) F(S, U32, conn_id, _) F(S, BYTES, data, _)
#define DPL_FIELDS_net_datagram(F, S) F(S, U32, conn_id, _) F(S, ADDR, peer, _) F(S, BYTES, data, _)
#define DPL_FIELDS_net_shutdown(F, S) F(S, U32, conn_id, _)
#define DPL_FIELDS_net_close(F, S) F(S, U32, conn_id, _) F(S, U32, errnum, _)
#define DPL_FIELDS_net_pause(F, S) F(S, U32, conn_id, _)
#define DPL_FIELDS_net_resume(F, S) F(S, U32, conn_id, _)

/* ---- incoming ---- */
#define DPL_FIELDS_in_subscribe(F, S)                                                                   \
    F(S, U16, port, _) F(S, U8, mode, _) F(S, ADDR, app, _) F(S, U8, concurrent_steal, _) F(S, U8, mirror_percent, _) \
    F(S, STR, http_filter, _)
#define DPL_FIELDS_in_unsubscribe(F, S) F(S, U16, port, _)
#define DPL_FIELDS_in_connection(F, S) \
    F(S, U32, conn_id, _) F(S, U16, port, _) F(S, ADDR, remote, _) F(S, ADDR, local, _)
#define DPL_FIELDS_in_peer_get(F, S) F(S, ADDR, proxy_side, _)
#define DPL_FIELDS_in_peer(F, S) F(S, ADDR, remote, _) F(S, ADDR, local, _)

/* ---- environment ---- */
#define DPL_FIELDS_env_get(F, S) F(S, LIST, include, STR) F(S, LIST, exclude, STR)
#define DPL_FIELDS_env_vars(F, S) F(S, LISTR, vars, env_var)

#endif
