/* stdio opens and realpath. glibc's fopen reads through internal calls the layer cannot see, so a remote fopen
 * returns a cookie stream (fopencookie) whose callbacks use the remote fd; freopen must keep the caller's FILE,
 * so a remote freopen (reading only) snapshots the file into a memfd and reopens the stream on that. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "after_fork.h"
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

/* The cookie streams handed out, so freopen can recognise one: glibc cannot reopen a cookie stream in place.
 * Entries pair the FILE with its placeholder fd (the cookie), which is all cookie_close knows. */
#define MAX_REMOTE_STREAMS 256
static struct {
    FILE *stream;
    int fd;
} remote_streams[MAX_REMOTE_STREAMS];
static unsigned remote_stream_count;
static pthread_mutex_t remote_streams_lock = PTHREAD_MUTEX_INITIALIZER;

static void remember_stream(FILE *stream, int fd) {
    pthread_mutex_lock(&remote_streams_lock);
    for (size_t i = 0; i < MAX_REMOTE_STREAMS; i++) {
        if (remote_streams[i].stream == NULL) {
            remote_streams[i].stream = stream;
            remote_streams[i].fd = fd;
            __atomic_add_fetch(&remote_stream_count, 1, __ATOMIC_RELEASE);
            break;
        }
    }
    pthread_mutex_unlock(&remote_streams_lock);
}

/* Forgets the entry matching `stream` (or, with stream NULL, `fd`); true if there was one. */
static bool forget_stream(FILE *stream, int fd) {
    if (__atomic_load_n(&remote_stream_count, __ATOMIC_ACQUIRE) == 0) return false;
    bool found = false;
    pthread_mutex_lock(&remote_streams_lock);
    for (size_t i = 0; i < MAX_REMOTE_STREAMS && !found; i++) {
        if (remote_streams[i].stream != NULL &&
            (stream != NULL ? remote_streams[i].stream == stream : remote_streams[i].fd == fd)) {
            remote_streams[i].stream = NULL;
            __atomic_sub_fetch(&remote_stream_count, 1, __ATOMIC_RELEASE);
            found = true;
        }
    }
    pthread_mutex_unlock(&remote_streams_lock);
    return found;
}

static bool is_remote_stream(FILE *stream) {
    if (__atomic_load_n(&remote_stream_count, __ATOMIC_ACQUIRE) == 0) return false;
    bool found = false;
    pthread_mutex_lock(&remote_streams_lock);
    for (size_t i = 0; i < MAX_REMOTE_STREAMS && !found; i++) found = remote_streams[i].stream == stream;
    pthread_mutex_unlock(&remote_streams_lock);
    return found;
}

void dpl_streams_after_fork_child(void) { pthread_mutex_init(&remote_streams_lock, NULL); }

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
    forget_stream(NULL, (int)(intptr_t)cookie);
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
    if (*result != NULL) remember_stream(*result, fd);
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

/* freopen on a stream from a pod fopen: close it (freopen's contract on failure) and refuse, since glibc would
 * crash reopening a cookie stream. Returns true when it handled the call. */
static bool refuse_cookie_reopen(FILE *stream, FILE **result) {
    if (stream == NULL || !is_remote_stream(stream)) return false;
    static bool warned;
    dpl_log_once(&warned, DPL_LOG_WARN, "freopen on a stream opened from the pod is not supported; it is closed");
    fclose(stream);
    errno = EOPNOTSUPP;
    *result = NULL;
    return true;
}

DPL_EXPORT FILE *freopen(const char *path, const char *mode, FILE *stream) {
    if (!dpl_enter()) return dpl_real_freopen()(path, mode, stream);
    FILE *result;
    if (!refuse_cookie_reopen(stream, &result) && !remote_freopen(path, mode, stream, &result, dpl_real_freopen()))
        result = dpl_real_freopen()(path, mode, stream);
    DPL_LEAVE_RETURN(result);
}

DPL_EXPORT FILE *freopen64(const char *path, const char *mode, FILE *stream) {
    if (!dpl_enter()) return dpl_real_freopen64()(path, mode, stream);
    FILE *result;
    if (!refuse_cookie_reopen(stream, &result) &&
        !remote_freopen(path, mode, stream, &result, dpl_real_freopen64()))
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
