/* Requests to the pod through the session proxy, one function per PROTOCOL.md message. Each returns 0 or a
 * negative errno: the pod's errno for a failed call, -ENOTCONN when the proxy is gone (callers turn that into the
 * errno that fits their family: EIO for files, ECONNREFUSED/ENETDOWN for sockets, EAI_AGAIN for DNS). */
#pragma once
#include <dirent.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

#include "fd_table.h"

/* files (remote_fs.c) */
int dpl_remote_open(uint64_t dir_handle, const char *path, int flags, unsigned mode, uint64_t *handle);
int dpl_remote_read(uint64_t handle, int64_t offset, void *buf, size_t max_len, size_t *got);
int dpl_remote_write(uint64_t handle, int64_t offset, const void *buf, size_t len, size_t *written);
int dpl_remote_seek(uint64_t handle, int64_t offset, int whence, int64_t *position);
int dpl_remote_close(uint64_t handle);
int dpl_remote_stat(uint64_t dir_handle, const char *path, int at_flags, struct statx *out);
int dpl_remote_access(uint64_t dir_handle, const char *path, int mode, int at_flags);
int dpl_remote_readlink(uint64_t dir_handle, const char *path, char *buf, size_t size, size_t *len);
int dpl_remote_dir_open(uint64_t dir_handle, const char *path, uint64_t *handle);
int dpl_remote_mkdir(uint64_t dir_handle, const char *path, unsigned mode);
/* at_flags: AT_REMOVEDIR makes it rmdir. */
int dpl_remote_unlink(uint64_t dir_handle, const char *path, int at_flags);
int dpl_remote_rename(uint64_t from_dir, const char *from, uint64_t to_dir, const char *to);
/* Fills up to `max` entries; *count 0 means end of directory. Names are truncated to fit d_name. */
int dpl_remote_dir_read(uint64_t handle, struct dirent64 *entries, size_t max, size_t *count);

/* network (remote_net.c) */
int dpl_remote_connect(int protocol, const struct dpl_sockaddr *remote, struct dpl_socket_info *info);
int dpl_remote_udp_bind(const struct dpl_sockaddr *local, struct dpl_socket_info *info);
int dpl_remote_subscribe(uint16_t port, int mode, const struct dpl_sockaddr *app);
int dpl_remote_unsubscribe(uint16_t port);
int dpl_remote_peer(const struct dpl_sockaddr *proxy_side, struct dpl_sockaddr *remote, struct dpl_sockaddr *local);

/* DNS (remote_dns.c): status is 0 or an EAI_* value, as getaddrinfo returns. */
struct addrinfo;
int dpl_remote_getaddrinfo(const char *host, const char *service, const struct addrinfo *hints,
                           struct addrinfo **result, int *status);
int dpl_remote_getnameinfo(const struct dpl_sockaddr *addr, int flags, char *host, size_t host_len, char *serv,
                           size_t serv_len, int *status);

/* Giving back what a slot held in the pod when its last fd closes (remote_release.c). */
void dpl_remote_release_slot(struct dpl_slot *slot);
/* close() for the layer's own use inside hooks: forgets the fd (releasing remote state), then closes it. */
int dpl_close_tracked(int fd);
