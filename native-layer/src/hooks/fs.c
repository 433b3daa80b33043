/* File hooks on paths and fds: the open family, read/write family, lseek, the stat family (including glibc's
 * __xstat wrappers and statx), access, readlink, and syscall() for the SYS_statx / SYS_openat / SYS_close that libuv makes
 * directly. Each one: enter, route (a table lookup for fds, the classifier for absolute paths), then the real call
 * or the remote operation from file_ops.c. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <string.h>
#include <sys/syscall.h>

#include "fd_table.h"
#include "file_ops.h"
#include "layer.h"
#include "net_udp.h"
#include "remote.h"

_Static_assert(sizeof(struct stat) == sizeof(struct stat64), "stat and stat64 share a layout on this platform");

/* ---- open family ------------------------------------------------------------------------------------------- */

#define MODE_ARG(last)                                 \
    mode_t mode = 0;                                   \
    if ((flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE) { \
        va_list args;                                  \
        va_start(args, last);                          \
        mode = va_arg(args, mode_t);                   \
        va_end(args);                                  \
    }

#define OPEN_BODY(dirfd, path, flags, mode, real_call)                      \
    if (!dpl_enter()) return real_call;                                     \
    int fd;                                                                 \
    if (!dpl_file_open(dirfd, path, flags, mode, &fd)) fd = real_call;      \
    DPL_LEAVE_RETURN(fd);

DPL_EXPORT int open(const char *path, int flags, ...) {
    MODE_ARG(flags)
    OPEN_BODY(AT_FDCWD, path, flags, mode, dpl_real_open()(path, flags, mode))
}
DPL_EXPORT int open64(const char *path, int flags, ...) {
    MODE_ARG(flags)
    OPEN_BODY(AT_FDCWD, path, flags, mode, dpl_real_open64()(path, flags, mode))
}
DPL_EXPORT int openat(int dirfd, const char *path, int flags, ...) {
    MODE_ARG(flags)
    OPEN_BODY(dirfd, path, flags, mode, dpl_real_openat()(dirfd, path, flags, mode))
}
DPL_EXPORT int openat64(int dirfd, const char *path, int flags, ...) {
    MODE_ARG(flags)
    OPEN_BODY(dirfd, path, flags, mode, dpl_real_openat64()(dirfd, path, flags, mode))
}
/* The fortified entry points exist only when libc has them; without a real one, plain open does the job. */
DPL_EXPORT int __open_2(const char *path, int flags) {
    OPEN_BODY(AT_FDCWD, path, flags, 0,
              dpl_real___open_2() ? dpl_real___open_2()(path, flags) : dpl_real_open()(path, flags))
}
DPL_EXPORT int __open64_2(const char *path, int flags) {
    OPEN_BODY(AT_FDCWD, path, flags, 0,
              dpl_real___open64_2() ? dpl_real___open64_2()(path, flags) : dpl_real_open64()(path, flags))
}
DPL_EXPORT int __openat_2(int dirfd, const char *path, int flags) {
    OPEN_BODY(dirfd, path, flags, 0,
              dpl_real___openat_2() ? dpl_real___openat_2()(dirfd, path, flags) : dpl_real_openat()(dirfd, path, flags))
}
DPL_EXPORT int __openat64_2(int dirfd, const char *path, int flags) {
    OPEN_BODY(dirfd, path, flags, 0,
              dpl_real___openat64_2() ? dpl_real___openat64_2()(dirfd, path, flags)
                                      : dpl_real_openat64()(dirfd, path, flags))
}
DPL_EXPORT int creat(const char *path, mode_t mode) {
    OPEN_BODY(AT_FDCWD, path, O_CREAT | O_WRONLY | O_TRUNC, mode, dpl_real_creat()(path, mode))
}
DPL_EXPORT int creat64(const char *path, mode_t mode) {
    OPEN_BODY(AT_FDCWD, path, O_CREAT | O_WRONLY | O_TRUNC, mode, dpl_real_creat64()(path, mode))
}

/* ---- read / write / seek on fds ---------------------------------------------------------------------------- */

/* Runs `remote` with `slot` locked when fd is a remote file, else `local`. */
#define ON_FD(type, fd, remote, local)                                          \
    if (!dpl_enter()) return local;                                             \
    struct dpl_slot *slot = dpl_fd_lock(fd, DPL_FD_REMOTE_FILE);                \
    type rc;                                                                    \
    if (slot != NULL) {                                                         \
        rc = remote;                                                            \
        dpl_slot_unlock(slot);                                                  \
    } else {                                                                    \
        rc = local;                                                             \
    }                                                                           \
    DPL_LEAVE_RETURN(rc);

/* readv/preadv/writev on a remote file: one transfer per buffer, stopping at the first short one. */
static ssize_t remote_vector(struct dpl_slot *slot, const struct iovec *iov, int iovcnt, int64_t offset, bool write) {
    ssize_t total = 0;
    for (int i = 0; i < iovcnt; i++) {
        int64_t at = offset < 0 ? -1 : offset + total;
        ssize_t n = write ? dpl_file_write(slot, iov[i].iov_base, iov[i].iov_len, at)
                          : dpl_file_read(slot, iov[i].iov_base, iov[i].iov_len, at);
        if (n < 0) return total > 0 ? total : n;
        total += n;
        if ((size_t)n < iov[i].iov_len) break;
    }
    return total;
}

/* read/write also meet UDP sockets connected to the pod, whose datagrams carry an address prefix. */
#define CONNECTED_UDP(fd, buf, count, sending)                                             \
    ssize_t udp_rc;                                                                        \
    if (!dpl_fd_is_local(fd) && dpl_enter()) {                                             \
        bool handled = dpl_udp_connected_io(fd, (void *)(buf), count, 0, sending, &udp_rc); \
        dpl_leave();                                                                       \
        if (handled) return udp_rc;                                                        \
    }

DPL_EXPORT ssize_t read(int fd, void *buf, size_t count) {
    CONNECTED_UDP(fd, buf, count, false)
    ON_FD(ssize_t, fd, dpl_file_read(slot, buf, count, -1), dpl_real_read()(fd, buf, count))
}
DPL_EXPORT ssize_t pread(int fd, void *buf, size_t count, off_t offset) {
    ON_FD(ssize_t, fd, dpl_file_read(slot, buf, count, offset), dpl_real_pread()(fd, buf, count, offset))
}
DPL_EXPORT ssize_t pread64(int fd, void *buf, size_t count, off64_t offset) {
    ON_FD(ssize_t, fd, dpl_file_read(slot, buf, count, offset), dpl_real_pread64()(fd, buf, count, offset))
}
DPL_EXPORT ssize_t readv(int fd, const struct iovec *iov, int iovcnt) {
    ON_FD(ssize_t, fd, remote_vector(slot, iov, iovcnt, -1, false), dpl_real_readv()(fd, iov, iovcnt))
}
DPL_EXPORT ssize_t preadv(int fd, const struct iovec *iov, int iovcnt, off_t offset) {
    ON_FD(ssize_t, fd, remote_vector(slot, iov, iovcnt, offset, false), dpl_real_preadv()(fd, iov, iovcnt, offset))
}
DPL_EXPORT ssize_t preadv64(int fd, const struct iovec *iov, int iovcnt, off64_t offset) {
    ON_FD(ssize_t, fd, remote_vector(slot, iov, iovcnt, offset, false), dpl_real_preadv64()(fd, iov, iovcnt, offset))
}
DPL_EXPORT ssize_t write(int fd, const void *buf, size_t count) {
    CONNECTED_UDP(fd, buf, count, true)
    ON_FD(ssize_t, fd, dpl_file_write(slot, buf, count, -1), dpl_real_write()(fd, buf, count))
}
DPL_EXPORT ssize_t pwrite(int fd, const void *buf, size_t count, off_t offset) {
    ON_FD(ssize_t, fd, dpl_file_write(slot, buf, count, offset), dpl_real_pwrite()(fd, buf, count, offset))
}
DPL_EXPORT ssize_t pwrite64(int fd, const void *buf, size_t count, off64_t offset) {
    ON_FD(ssize_t, fd, dpl_file_write(slot, buf, count, offset), dpl_real_pwrite64()(fd, buf, count, offset))
}
DPL_EXPORT ssize_t writev(int fd, const struct iovec *iov, int iovcnt) {
    ON_FD(ssize_t, fd, remote_vector(slot, iov, iovcnt, -1, true), dpl_real_writev()(fd, iov, iovcnt))
}
DPL_EXPORT ssize_t pwritev(int fd, const struct iovec *iov, int iovcnt, off_t offset) {
    ON_FD(ssize_t, fd, remote_vector(slot, iov, iovcnt, offset, true), dpl_real_pwritev()(fd, iov, iovcnt, offset))
}
DPL_EXPORT ssize_t pwritev64(int fd, const struct iovec *iov, int iovcnt, off64_t offset) {
    ON_FD(ssize_t, fd, remote_vector(slot, iov, iovcnt, offset, true), dpl_real_pwritev64()(fd, iov, iovcnt, offset))
}
DPL_EXPORT off_t lseek(int fd, off_t offset, int whence) {
    ON_FD(off_t, fd, dpl_file_seek(slot, offset, whence), dpl_real_lseek()(fd, offset, whence))
}
DPL_EXPORT off64_t lseek64(int fd, off64_t offset, int whence) {
    ON_FD(off64_t, fd, dpl_file_seek(slot, offset, whence), dpl_real_lseek64()(fd, offset, whence))
}

/* ---- stat family ------------------------------------------------------------------------------------------- */

/* The statx answer for (dirfd, path, flags) when it concerns the pod; false: do the real call. */
static bool remote_statx(int dirfd, const char *path, int flags, struct statx *out, int *rc) {
    if (path != NULL && path[0] == '\0' && (flags & AT_EMPTY_PATH)) { /* fstat through a path call */
        struct dpl_slot *slot = dpl_fd_lock(dirfd, DPL_FD_REMOTE_FILE);
        if (slot == NULL) return false;
        *rc = dpl_file_fstat(slot, out);
        dpl_slot_unlock(slot);
        return true;
    }
    struct dpl_path_route route = dpl_route_path(dirfd, path, DPL_FS_READ);
    if (route.route == DPL_ROUTE_LOCAL) return false;
    *rc = dpl_file_stat_route(&route, flags, out);
    return true;
}

static bool remote_stat(int dirfd, const char *path, int flags, void *out, int *rc) {
    struct statx stx;
    if (!remote_statx(dirfd, path, flags, &stx, rc)) return false;
    if (*rc == 0) dpl_statx_to_stat(&stx, out);
    return true;
}

static bool remote_fstat(int fd, void *out, int *rc) {
    return remote_stat(fd, "", AT_EMPTY_PATH, out, rc);
}

#define STAT_BODY(remote_call, real_call)                 \
    if (!dpl_enter()) return real_call;                   \
    int rc;                                               \
    if (!(remote_call)) rc = real_call;                   \
    DPL_LEAVE_RETURN(rc);


DPL_EXPORT int fstat(int fd, struct stat *st) { STAT_BODY(remote_fstat(fd, st, &rc), dpl_real_fstat()(fd, st)) }
DPL_EXPORT int fstat64(int fd, struct stat64 *st) {
    STAT_BODY(remote_fstat(fd, st, &rc), dpl_real_fstat64()(fd, st))
}
DPL_EXPORT int stat(const char *path, struct stat *st) {
    STAT_BODY(remote_stat(AT_FDCWD, path, 0, st, &rc), dpl_real_stat()(path, st))
}
DPL_EXPORT int stat64(const char *path, struct stat64 *st) {
    STAT_BODY(remote_stat(AT_FDCWD, path, 0, st, &rc), dpl_real_stat64()(path, st))
}
DPL_EXPORT int lstat(const char *path, struct stat *st) {
    STAT_BODY(remote_stat(AT_FDCWD, path, AT_SYMLINK_NOFOLLOW, st, &rc), dpl_real_lstat()(path, st))
}
DPL_EXPORT int lstat64(const char *path, struct stat64 *st) {
    STAT_BODY(remote_stat(AT_FDCWD, path, AT_SYMLINK_NOFOLLOW, st, &rc), dpl_real_lstat64()(path, st))
}
DPL_EXPORT int fstatat(int dirfd, const char *path, struct stat *st, int flags) {
    STAT_BODY(remote_stat(dirfd, path, flags, st, &rc), dpl_real_fstatat()(dirfd, path, st, flags))
}
DPL_EXPORT int fstatat64(int dirfd, const char *path, struct stat64 *st, int flags) {
    STAT_BODY(remote_stat(dirfd, path, flags, st, &rc), dpl_real_fstatat64()(dirfd, path, st, flags))
}
DPL_EXPORT int statx(int dirfd, const char *path, int flags, unsigned int mask, struct statx *stx) {
    if (dpl_real_statx() == NULL) {
        errno = ENOSYS;
        return -1;
    }
    STAT_BODY(remote_statx(dirfd, path, flags, stx, &rc), dpl_real_statx()(dirfd, path, flags, mask, stx))
}
DPL_EXPORT int __xstat(int ver, const char *path, struct stat *st) {
    STAT_BODY(remote_stat(AT_FDCWD, path, 0, st, &rc),
              dpl_real___xstat() ? dpl_real___xstat()(ver, path, st) : dpl_real_stat()(path, st))
}
DPL_EXPORT int __xstat64(int ver, const char *path, struct stat64 *st) {
    STAT_BODY(remote_stat(AT_FDCWD, path, 0, st, &rc),
              dpl_real___xstat64() ? dpl_real___xstat64()(ver, path, st) : dpl_real_stat64()(path, st))
}
DPL_EXPORT int __lxstat(int ver, const char *path, struct stat *st) {
    STAT_BODY(remote_stat(AT_FDCWD, path, AT_SYMLINK_NOFOLLOW, st, &rc),
              dpl_real___lxstat() ? dpl_real___lxstat()(ver, path, st) : dpl_real_lstat()(path, st))
}
DPL_EXPORT int __lxstat64(int ver, const char *path, struct stat64 *st) {
    STAT_BODY(remote_stat(AT_FDCWD, path, AT_SYMLINK_NOFOLLOW, st, &rc),
              dpl_real___lxstat64() ? dpl_real___lxstat64()(ver, path, st) : dpl_real_lstat64()(path, st))
}
DPL_EXPORT int __fxstat(int ver, int fd, struct stat *st) {
    STAT_BODY(remote_fstat(fd, st, &rc), dpl_real___fxstat() ? dpl_real___fxstat()(ver, fd, st) : dpl_real_fstat()(fd, st))
}
DPL_EXPORT int __fxstat64(int ver, int fd, struct stat64 *st) {
    STAT_BODY(remote_fstat(fd, st, &rc),
              dpl_real___fxstat64() ? dpl_real___fxstat64()(ver, fd, st) : dpl_real_fstat64()(fd, st))
}
DPL_EXPORT int __fxstatat(int ver, int dirfd, const char *path, struct stat *st, int flags) {
    STAT_BODY(remote_stat(dirfd, path, flags, st, &rc),
              dpl_real___fxstatat() ? dpl_real___fxstatat()(ver, dirfd, path, st, flags)
                                    : dpl_real_fstatat()(dirfd, path, st, flags))
}
DPL_EXPORT int __fxstatat64(int ver, int dirfd, const char *path, struct stat64 *st, int flags) {
    STAT_BODY(remote_stat(dirfd, path, flags, st, &rc),
              dpl_real___fxstatat64() ? dpl_real___fxstatat64()(ver, dirfd, path, st, flags)
                                      : dpl_real_fstatat64()(dirfd, path, st, flags))
}

/* ---- access, readlink -------------------------------------------------------------------------------------- */

static bool remote_access(int dirfd, const char *path, int mode, int flags, int *rc) {
    struct dpl_path_route route = dpl_route_path(dirfd, path, (mode & W_OK) ? DPL_FS_WRITE : DPL_FS_READ);
    if (route.route == DPL_ROUTE_LOCAL) return false;
    if (route.route == DPL_ROUTE_NOT_FOUND) {
        errno = ENOENT;
        *rc = -1;
        return true;
    }
    int err = dpl_remote_access(route.dir_handle, path, mode, flags);
    *rc = err == 0 ? 0 : dpl_file_fail(err);
    return true;
}

DPL_EXPORT int access(const char *path, int mode) {
    STAT_BODY(remote_access(AT_FDCWD, path, mode, 0, &rc), dpl_real_access()(path, mode))
}
DPL_EXPORT int faccessat(int dirfd, const char *path, int mode, int flags) {
    STAT_BODY(remote_access(dirfd, path, mode, flags, &rc), dpl_real_faccessat()(dirfd, path, mode, flags))
}

static bool remote_readlink(int dirfd, const char *path, char *buf, size_t size, ssize_t *rc) {
    struct dpl_path_route route = dpl_route_path(dirfd, path, DPL_FS_READ);
    if (route.route == DPL_ROUTE_LOCAL) return false;
    if (route.route == DPL_ROUTE_NOT_FOUND) {
        errno = ENOENT;
        *rc = -1;
        return true;
    }
    size_t len = 0;
    int err = dpl_remote_readlink(route.dir_handle, path, buf, size, &len);
    *rc = err == 0 ? (ssize_t)len : dpl_file_fail(err);
    return true;
}

DPL_EXPORT ssize_t readlink(const char *path, char *buf, size_t size) {
    if (!dpl_enter()) return dpl_real_readlink()(path, buf, size);
    ssize_t rc;
    if (!remote_readlink(AT_FDCWD, path, buf, size, &rc)) rc = dpl_real_readlink()(path, buf, size);
    DPL_LEAVE_RETURN(rc);
}
DPL_EXPORT ssize_t readlinkat(int dirfd, const char *path, char *buf, size_t size) {
    if (!dpl_enter()) return dpl_real_readlinkat()(dirfd, path, buf, size);
    ssize_t rc;
    if (!remote_readlink(dirfd, path, buf, size, &rc)) rc = dpl_real_readlinkat()(dirfd, path, buf, size);
    DPL_LEAVE_RETURN(rc);
}

/* ---- syscall(): libuv calls statx (and some runtimes openat) through it ------------------------------------ */

DPL_EXPORT long syscall(long number, ...) {
    va_list args;
    va_start(args, number);
    long a[6];
    for (int i = 0; i < 6; i++) a[i] = va_arg(args, long);
    va_end(args);
#define REAL_SYSCALL dpl_real_syscall()(number, a[0], a[1], a[2], a[3], a[4], a[5])
    /* libuv closes every fd through syscall(SYS_close): route closes through the close hooks so the fd table
     * forgets remote fds (a reused number would otherwise still look remote) and the proxy socket stays shielded. */
    if (number == SYS_close) return close((int)a[0]);
#ifdef SYS_close_range
    if (number == SYS_close_range) return close_range((unsigned)a[0], (unsigned)a[1], (int)a[2]);
#endif
    if ((number != SYS_statx && number != SYS_openat) || !dpl_enter()) return REAL_SYSCALL;
    long rc;
    if (number == SYS_statx) {
        int result;
        rc = remote_statx((int)a[0], (const char *)a[1], (int)a[2], (struct statx *)a[4], &result) ? result
                                                                                                     : REAL_SYSCALL;
    } else {
        int fd;
        rc = dpl_file_open((int)a[0], (const char *)a[1], (int)a[2], (mode_t)a[3], &fd) ? fd : REAL_SYSCALL;
    }
#undef REAL_SYSCALL
    DPL_LEAVE_RETURN(rc);
}
