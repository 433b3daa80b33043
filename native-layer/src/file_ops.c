#include "file_ops.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>

#include "layer.h"
#include "log.h"
#include "remote.h"
#include "session.h"

#define READAHEAD_MIN (64 * 1024)
#define READ_MAX (1024 * 1024 - 64) /* DPL_MAX_DATA */

int dpl_file_fail(int negative_errno) {
    errno = negative_errno == -ENOTCONN ? EIO : -negative_errno;
    return -1;
}

static enum dpl_route route_of(enum dpl_fs_verdict verdict) {
    switch (verdict) {
    case DPL_FS_REMOTE: return DPL_ROUTE_REMOTE;
    case DPL_FS_NOT_FOUND: return DPL_ROUTE_NOT_FOUND;
    default: return DPL_ROUTE_LOCAL;
    }
}

struct dpl_path_route dpl_route_path(int dirfd, const char *path, enum dpl_fs_access access) {
    struct dpl_path_route route = {DPL_ROUTE_LOCAL, 0, path};
    if (path == NULL) return route;
    if (path[0] != '/' && dirfd != AT_FDCWD && !dpl_fd_is_local(dirfd)) {
        struct dpl_slot *dir = dpl_fd_lock(dirfd, DPL_FD_REMOTE_FILE);
        if (dir != NULL) {
            route.route = DPL_ROUTE_REMOTE;
            route.dir_handle = dir->file.handle;
            dpl_slot_unlock(dir);
        }
        return route;
    }
    if (path[0] != '/') return route; /* relative to a local directory: local, and not worth a log line */
    struct dpl_fs_decision decision = dpl_fs_classify(&dpl_config, &dpl_fs_context, path, access);
    if (dpl_explain_fs) {
        char line[PATH_MAX + 256];
        dpl_fs_format_decision(line, sizeof line, path, decision);
        dpl_log_explain("%s", line);
    }
    route.route = route_of(decision.verdict);
    return route;
}

static bool writes(int flags) {
    return (flags & O_ACCMODE) != O_RDONLY || (flags & (O_CREAT | O_TRUNC | O_APPEND)) != 0 ||
           (flags & O_TMPFILE) == O_TMPFILE; /* O_TMPFILE includes the O_DIRECTORY bit */
}

bool dpl_file_open(int dirfd, const char *path, int flags, mode_t mode, int *result) {
    struct dpl_path_route route = dpl_route_path(dirfd, path, writes(flags) ? DPL_FS_WRITE : DPL_FS_READ);
    if (route.route == DPL_ROUTE_LOCAL) return false;
    if (route.route == DPL_ROUTE_NOT_FOUND) {
        errno = ENOENT;
        *result = -1;
        return true;
    }
    uint64_t handle;
    int rc = dpl_remote_open(route.dir_handle, path, flags & ~O_CLOEXEC, mode, &handle);
    if (rc != 0) {
        *result = dpl_file_fail(rc);
        return true;
    }
    /* The placeholder is /dev/null: anything that bypasses the hooks (mmap, io_uring, raw syscalls) sees an empty
     * file instead of someone else's data, and poll/select report it ready like a regular file. */
    int fd = dpl_real_open()("/dev/null", O_RDWR | (flags & O_CLOEXEC));
    struct dpl_slot *slot = fd >= 0 && fd < DPL_FD_TABLE_SIZE ? dpl_slot_alloc(DPL_FD_REMOTE_FILE) : NULL;
    if (slot == NULL) {
        int err = fd < 0 ? errno : fd >= DPL_FD_TABLE_SIZE ? EMFILE : ENFILE;
        if (fd >= 0) dpl_real_close()(fd);
        dpl_remote_close(handle);
        errno = err;
        *result = -1;
        return true;
    }
    slot->file.handle = handle;
    slot->file.open_flags = flags;
    slot->file.is_directory = (flags & O_DIRECTORY) != 0;
    dpl_fd_bind(fd, slot);
    *result = fd;
    return true;
}

/* Copies from the read-ahead buffer if it covers `offset`. */
static size_t from_readahead(struct dpl_remote_file *file, void *buf, size_t count, int64_t offset) {
    if (file->readahead == NULL || offset < file->readahead_offset ||
        offset >= file->readahead_offset + (int64_t)file->readahead_len)
        return 0;
    size_t skip = (size_t)(offset - file->readahead_offset);
    size_t n = file->readahead_len - skip < count ? file->readahead_len - skip : count;
    memcpy(buf, file->readahead + skip, n);
    return n;
}

ssize_t dpl_file_read(struct dpl_slot *slot, void *buf, size_t count, int64_t offset) {
    struct dpl_remote_file *file = &slot->file;
    if (file->is_directory) {
        errno = EISDIR;
        return -1;
    }
    int64_t at = offset < 0 ? file->position : offset;
    size_t got = from_readahead(file, buf, count, at);
    if (got == 0 && count > 0) {
        int rc;
        if (count >= READAHEAD_MIN) { /* big reads go straight into the caller's buffer */
            rc = dpl_remote_read(file->handle, at, buf, count > READ_MAX ? READ_MAX : count, &got);
        } else {
            if (file->readahead == NULL && (file->readahead = malloc(READAHEAD_MIN)) == NULL) {
                errno = ENOMEM;
                return -1;
            }
            size_t filled = 0;
            rc = dpl_remote_read(file->handle, at, file->readahead, READAHEAD_MIN, &filled);
            file->readahead_offset = at;
            file->readahead_len = rc == 0 ? filled : 0;
            if (rc == 0) got = from_readahead(file, buf, count, at);
        }
        if (rc != 0) return dpl_file_fail(rc);
    }
    if (offset < 0) file->position = at + (int64_t)got;
    return (ssize_t)got;
}

ssize_t dpl_file_write(struct dpl_slot *slot, const void *buf, size_t count, int64_t offset) {
    struct dpl_remote_file *file = &slot->file;
    bool append = offset < 0 && (file->open_flags & O_APPEND);
    int64_t at = offset < 0 ? file->position : offset;
    size_t written = 0;
    int rc = dpl_remote_write(file->handle, append ? -1 : at, buf, count > READ_MAX ? READ_MAX : count, &written);
    if (rc != 0) return dpl_file_fail(rc);
    file->readahead_len = 0; /* the bytes it held may have changed */
    if (append) {
        int64_t end;
        if (dpl_remote_seek(file->handle, 0, SEEK_END, &end) == 0) file->position = end;
    } else if (offset < 0) {
        file->position = at + (int64_t)written;
    }
    return (ssize_t)written;
}

off_t dpl_file_seek(struct dpl_slot *slot, off_t offset, int whence) {
    struct dpl_remote_file *file = &slot->file;
    int64_t target;
    if (whence == SEEK_SET) target = offset;
    else if (whence == SEEK_CUR) target = file->position + offset;
    else {
        int rc = dpl_remote_seek(file->handle, offset, whence, &target);
        if (rc != 0) return dpl_file_fail(rc);
    }
    if (target < 0 || whence < SEEK_SET || whence > SEEK_HOLE) {
        errno = EINVAL;
        return -1;
    }
    file->position = target;
    return (off_t)target;
}

int dpl_file_fstat(struct dpl_slot *slot, struct statx *out) {
    int rc = dpl_remote_stat(slot->file.handle, "", 0, out);
    return rc == 0 ? 0 : dpl_file_fail(rc);
}

int dpl_file_stat_route(const struct dpl_path_route *route, int at_flags, struct statx *out) {
    if (route->route == DPL_ROUTE_NOT_FOUND) {
        errno = ENOENT;
        return -1;
    }
    int rc = dpl_remote_stat(route->dir_handle, route->path, at_flags & AT_SYMLINK_NOFOLLOW, out);
    return rc == 0 ? 0 : dpl_file_fail(rc);
}

void dpl_statx_to_stat(const struct statx *in, struct stat *out) {
    memset(out, 0, sizeof *out);
    out->st_dev = makedev(in->stx_dev_major, in->stx_dev_minor);
    out->st_ino = in->stx_ino;
    out->st_mode = in->stx_mode;
    out->st_nlink = in->stx_nlink;
    out->st_uid = in->stx_uid;
    out->st_gid = in->stx_gid;
    out->st_rdev = makedev(in->stx_rdev_major, in->stx_rdev_minor);
    out->st_size = (off_t)in->stx_size;
    out->st_blksize = in->stx_blksize;
    out->st_blocks = (blkcnt_t)in->stx_blocks;
    out->st_atim = (struct timespec){in->stx_atime.tv_sec, in->stx_atime.tv_nsec};
    out->st_mtim = (struct timespec){in->stx_mtime.tv_sec, in->stx_mtime.tv_nsec};
    out->st_ctim = (struct timespec){in->stx_ctime.tv_sec, in->stx_ctime.tv_nsec};
}
