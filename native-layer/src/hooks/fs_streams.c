/* stdio opens and realpath. glibc's fopen reads through internal calls the layer cannot see, so a remote fopen
 * returns a cookie stream (fopencookie) whose callbacks use the remote fd; freopen must keep the caller's FILE,
 * so a remote freopen (reading only) snapshots the file into a memfd and reopens the stream on that. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "fd_table.h"
#include "file_ops.h"
#include "layer.h"
#include "log.h"
#include "path_norm.h"
#include "remote.h"

/* fopen mode string → open flags ('e' = O_CLOEXEC, 'x' = O_EXCL, as glibc reads them). */
static int open_flags_of(const char *mode) {
    int flags;
    switch (mode[0]) {
    case 'w': flags = O_WRONLY | O_CREAT | O_TRUNC; break;
    case 'a': flags = O_WRONLY | O_CREAT | O_APPEND; break;
    default: flags = O_RDONLY; break;
    }
    for (const char *m = mode + 1; *m != '\0' && *m != ','; m++) {
        if (*m == '+') flags = (flags & ~O_ACCMODE) | O_RDWR;
        else if (*m == 'e') flags |= O_CLOEXEC;
        else if (*m == 'x') flags |= O_EXCL;
    }
    return flags;
}

/* Cookie callbacks: the cookie is the placeholder fd. They run outside any hook, so they enter like one. */
static ssize_t cookie_read(void *cookie, char *buf, size_t size) {
    bool entered = dpl_enter();
    struct dpl_slot *slot = dpl_fd_lock((int)(intptr_t)cookie, DPL_FD_REMOTE_FILE);
    ssize_t n = -1;
    if (slot != NULL) {
        n = dpl_file_read(slot, buf, size, -1);
        dpl_slot_unlock(slot);
    } else errno = EBADF;
    if (entered) dpl_leave();
    return n;
}

static ssize_t cookie_write(void *cookie, const char *buf, size_t size) {
    bool entered = dpl_enter();
    struct dpl_slot *slot = dpl_fd_lock((int)(intptr_t)cookie, DPL_FD_REMOTE_FILE);
    ssize_t n = 0; /* fopencookie: 0 reports an error */
    if (slot != NULL) {
        n = dpl_file_write(slot, buf, size, -1);
        if (n < 0) n = 0;
        dpl_slot_unlock(slot);
    } else errno = EBADF;
    if (entered) dpl_leave();
    return n;
}

static int cookie_seek(void *cookie, off64_t *offset, int whence) {
    bool entered = dpl_enter();
    struct dpl_slot *slot = dpl_fd_lock((int)(intptr_t)cookie, DPL_FD_REMOTE_FILE);
    off_t position = -1;
    if (slot != NULL) {
        position = dpl_file_seek(slot, *offset, whence);
        dpl_slot_unlock(slot);
    } else errno = EBADF;
    if (position >= 0) *offset = position;
    if (entered) dpl_leave();
    return position < 0 ? -1 : 0;
}

static int cookie_close(void *cookie) {
    bool entered = dpl_enter();
    int rc = dpl_close_tracked((int)(intptr_t)cookie);
    if (entered) dpl_leave();
    return rc;
}

static const cookie_io_functions_t remote_stream = {cookie_read, cookie_write, cookie_seek, cookie_close};

/* Returns true if the layer handled fopen (remote or not_found) and stored the stream (or NULL) in *result. */
static bool remote_fopen(const char *path, const char *mode, FILE **result) {
    int fd;
    if (mode == NULL || !dpl_file_open(AT_FDCWD, path, open_flags_of(mode), 0666, &fd)) return false;
    *result = NULL;
    if (fd < 0) return true;
    *result = fopencookie((void *)(intptr_t)fd, mode, remote_stream);
    if (*result == NULL) {
        int saved = errno;
        dpl_close_tracked(fd);
        errno = saved;
    }
    return true;
}

DPL_EXPORT FILE *fopen(const char *path, const char *mode) {
    if (!dpl_enter()) return dpl_real_fopen()(path, mode);
    FILE *stream;
    if (!remote_fopen(path, mode, &stream)) stream = dpl_real_fopen()(path, mode);
    DPL_LEAVE_RETURN(stream);
}

DPL_EXPORT FILE *fopen64(const char *path, const char *mode) {
    if (!dpl_enter()) return dpl_real_fopen64()(path, mode);
    FILE *stream;
    if (!remote_fopen(path, mode, &stream)) stream = dpl_real_fopen64()(path, mode);
    DPL_LEAVE_RETURN(stream);
}

/* Copies the remote file open as placeholder `fd` into a fresh memfd; returns the memfd or -1. */
static int snapshot_to_memfd(int fd) {
    int memfd = memfd_create("doppel-remote-file", MFD_CLOEXEC);
    struct dpl_slot *slot = memfd >= 0 ? dpl_fd_lock(fd, DPL_FD_REMOTE_FILE) : NULL;
    if (slot == NULL) {
        if (memfd >= 0) dpl_real_close()(memfd);
        return -1;
    }
    char buf[64 * 1024];
    ssize_t n;
    while ((n = dpl_file_read(slot, buf, sizeof buf, -1)) > 0) {
        if (dpl_real_write()(memfd, buf, (size_t)n) != n) n = -1;
        if (n < 0) break;
    }
    dpl_slot_unlock(slot);
    if (n < 0) {
        dpl_real_close()(memfd);
        return -1;
    }
    return memfd;
}

static bool remote_freopen(const char *path, const char *mode, FILE *stream, FILE **result,
                           dpl_freopen_fn real) {
    if (path == NULL || mode == NULL) return false; /* freopen(NULL, ...) changes the mode of the same file */
    int flags = open_flags_of(mode);
    struct dpl_path_route route = dpl_route_path(AT_FDCWD, path, (flags & O_ACCMODE) == O_RDONLY ? DPL_FS_READ : DPL_FS_WRITE);
    if (route.route == DPL_ROUTE_LOCAL) return false;
    *result = NULL;
    if (route.route == DPL_ROUTE_REMOTE && (flags & O_ACCMODE) != O_RDONLY) {
        static bool warned;
        dpl_log_once(&warned, DPL_LOG_WARN, "freopen(\"%s\", \"%s\"): writing a pod file through freopen is not "
                     "supported; use fopen or open", path, mode);
        errno = EOPNOTSUPP;
        return true;
    }
    int fd;
    if (!dpl_file_open(AT_FDCWD, path, flags, 0, &fd) || fd < 0) return true;
    int memfd = snapshot_to_memfd(fd);
    int saved = errno;
    dpl_close_tracked(fd);
    if (memfd < 0) {
        errno = saved ? saved : EIO;
        return true;
    }
    char proc_path[64];
    snprintf(proc_path, sizeof proc_path, "/proc/self/fd/%d", memfd);
    *result = real(proc_path, "r", stream);
    saved = errno;
    dpl_real_close()(memfd);
    errno = saved;
    return true;
}

DPL_EXPORT FILE *freopen(const char *path, const char *mode, FILE *stream) {
    if (!dpl_enter()) return dpl_real_freopen()(path, mode, stream);
    FILE *result;
    if (!remote_freopen(path, mode, stream, &result, dpl_real_freopen()))
        result = dpl_real_freopen()(path, mode, stream);
    DPL_LEAVE_RETURN(result);
}

DPL_EXPORT FILE *freopen64(const char *path, const char *mode, FILE *stream) {
    if (!dpl_enter()) return dpl_real_freopen64()(path, mode, stream);
    FILE *result;
    if (!remote_freopen(path, mode, stream, &result, dpl_real_freopen64()))
        result = dpl_real_freopen64()(path, mode, stream);
    DPL_LEAVE_RETURN(result);
}

/* realpath of a pod path: lexical normalisation, then a stat in the pod so a missing path fails as it would
 * there. Symbolic links inside the pod are not followed (documented in FS_RULES.md). */
static bool remote_realpath(const char *path, char *resolved, char **result) {
    struct dpl_path_route route = dpl_route_path(AT_FDCWD, path, DPL_FS_READ);
    if (route.route == DPL_ROUTE_LOCAL) return false;
    *result = NULL;
    struct statx stx;
    if (dpl_file_stat_route(&route, 0, &stx) != 0) return true;
    char normalized[PATH_MAX];
    if (!dpl_path_normalize(path, normalized, sizeof normalized)) {
        errno = ENAMETOOLONG;
        return true;
    }
    *result = resolved ? strcpy(resolved, normalized) : strdup(normalized);
    return true;
}

DPL_EXPORT char *realpath(const char *path, char *resolved) {
    if (!dpl_enter()) return dpl_real_realpath()(path, resolved);
    char *result;
    if (!remote_realpath(path, resolved, &result)) result = dpl_real_realpath()(path, resolved);
    DPL_LEAVE_RETURN(result);
}
