/* What the file hooks do once a call is known to concern the pod: route a path, open a placeholder fd for a
 * remote file, and serve read/write/seek/stat on it (with read-ahead, so byte-at-a-time readers stay fast). */
#pragma once
#include <stdbool.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "fd_table.h"
#include "fs_classify.h"

enum dpl_route { DPL_ROUTE_LOCAL, DPL_ROUTE_REMOTE, DPL_ROUTE_NOT_FOUND };

struct dpl_path_route {
    enum dpl_route route;
    uint64_t dir_handle; /* 0: `path` is absolute */
    const char *path;
};

/* Where a (dirfd, path) call goes. Relative paths are local unless dirfd is a remote directory. */
struct dpl_path_route dpl_route_path(int dirfd, const char *path, enum dpl_fs_access access);

/* open/openat/creat: returns true if the layer handled the call (remote or not_found) and stored the result
 * (fd or -1 with errno) in *result; false means "do the real call". */
bool dpl_file_open(int dirfd, const char *path, int flags, mode_t mode, int *result);

/* Operations on a locked REMOTE_FILE slot; offset -1 = at (and advancing) the slot's position.
 * They return what the libc call returns, with errno set on failure. */
ssize_t dpl_file_read(struct dpl_slot *slot, void *buf, size_t count, int64_t offset);
ssize_t dpl_file_write(struct dpl_slot *slot, const void *buf, size_t count, int64_t offset);
off_t dpl_file_seek(struct dpl_slot *slot, off_t offset, int whence);
int dpl_file_fstat(struct dpl_slot *slot, struct statx *out);

/* stat-like calls by path after routing; follow = !AT_SYMLINK_NOFOLLOW. Returns 0 or -1 with errno. */
int dpl_file_stat_route(const struct dpl_path_route *route, int at_flags, struct statx *out);

void dpl_statx_to_stat(const struct statx *in, struct stat *out);

/* errno for a failed remote file request (-ENOTCONN: the proxy is gone → EIO). Always returns -1. */
int dpl_file_fail(int negative_errno);
