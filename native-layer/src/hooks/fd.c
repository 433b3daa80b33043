/* Descriptor lifecycle hooks shared by every family: close, close_range, closefrom, dup*, fcntl(F_DUPFD*).
 * They keep the fd table in step with the kernel's table and keep the app's hands off the proxy socket. */
#include <errno.h>
#include <stdarg.h>

#include "fd_table.h"
#include "layer.h"
#include "proxy_client.h"
#include "remote.h"

/* Forgets `fd` in the table; when it was the last fd of a remote object, releases that in the pod. */
static void forget_fd(int fd) {
    struct dpl_slot *last = dpl_fd_unbind(fd);
    if (last != NULL) dpl_remote_release_slot(last);
}

int dpl_close_tracked(int fd) {
    if (!dpl_fd_is_local(fd)) forget_fd(fd); /* before the real close: the number may be reused right after */
    return dpl_real_close()(fd);
}

DPL_EXPORT int close(int fd) {
    if (!dpl_enter()) return dpl_real_close()(fd);
    if (fd >= 0 && fd == dpl_proxy_fd()) { /* from the app's view the layer's socket is not open */
        errno = EBADF;
        DPL_LEAVE_RETURN(-1);
    }
    int rc = dpl_close_tracked(fd);
    DPL_LEAVE_RETURN(rc);
}

/* Calls close_range on [first, last] minus the proxy socket. */
static int close_range_around_proxy(unsigned first, unsigned last, int flags) {
    int own = dpl_proxy_fd();
    dpl_close_range_fn real = dpl_real_close_range();
    if (own < 0 || (unsigned)own < first || (unsigned)own > last) return real(first, last, flags);
    int rc = 0;
    if ((unsigned)own > first) rc = real(first, (unsigned)own - 1, flags);
    if (rc == 0 && (unsigned)own < last) rc = real((unsigned)own + 1, last, flags);
    return rc;
}

DPL_EXPORT int close_range(unsigned int first, unsigned int last, int flags) {
    if (dpl_real_close_range() == NULL) {
        errno = ENOSYS;
        return -1;
    }
    if (!dpl_enter()) return dpl_real_close_range()(first, last, flags);
    if (!(flags & CLOSE_RANGE_CLOEXEC)) {
        for (unsigned fd = first; fd <= last && fd < DPL_FD_TABLE_SIZE; fd++) {
            if (!dpl_fd_is_local((int)fd)) forget_fd((int)fd);
        }
    }
    int rc = close_range_around_proxy(first, last, flags);
    DPL_LEAVE_RETURN(rc);
}

DPL_EXPORT void closefrom(int lowfd) {
    if (!dpl_enter()) {
        if (dpl_real_closefrom() != NULL) dpl_real_closefrom()(lowfd);
        return;
    }
    for (int fd = lowfd < 0 ? 0 : lowfd; fd < DPL_FD_TABLE_SIZE; fd++) {
        if (!dpl_fd_is_local(fd)) forget_fd(fd);
    }
    close_range_around_proxy((unsigned)(lowfd < 0 ? 0 : lowfd), ~0U, 0);
    dpl_leave();
}

DPL_EXPORT int dup(int fd) {
    if (!dpl_enter()) return dpl_real_dup()(fd);
    int rc = dpl_real_dup()(fd);
    if (rc >= 0) dpl_fd_share(fd, rc);
    DPL_LEAVE_RETURN(rc);
}

/* dup2/dup3: the target number may be the proxy socket (moved away first) or a remote fd (forgotten after). */
static int dup_onto(int fd, int newfd, int flags, bool is_dup3) {
    dpl_proxy_vacate_fd(newfd);
    int rc = is_dup3 ? dpl_real_dup3()(fd, newfd, flags) : dpl_real_dup2()(fd, newfd);
    if (rc >= 0 && fd != newfd) {
        int saved = errno;
        if (!dpl_fd_is_local(newfd)) forget_fd(newfd);
        dpl_fd_share(fd, newfd);
        errno = saved;
    }
    return rc;
}

DPL_EXPORT int dup2(int fd, int newfd) {
    if (!dpl_enter()) return dpl_real_dup2()(fd, newfd);
    int rc = dup_onto(fd, newfd, 0, false);
    DPL_LEAVE_RETURN(rc);
}

DPL_EXPORT int dup3(int fd, int newfd, int flags) {
    if (!dpl_enter()) return dpl_real_dup3()(fd, newfd, flags);
    int rc = dup_onto(fd, newfd, flags, true);
    DPL_LEAVE_RETURN(rc);
}

/* fcntl's third argument is an int or a pointer depending on cmd; passing it on as a pointer-sized value is
 * what the variadic ABI allows for both (the same trick every fcntl wrapper uses). */
static int fcntl_common(dpl_fcntl_fn real, int fd, int cmd, void *arg) {
    if (!dpl_enter()) return real(fd, cmd, arg);
    int rc = real(fd, cmd, arg);
    if (rc >= 0 && (cmd == F_DUPFD || cmd == F_DUPFD_CLOEXEC)) dpl_fd_share(fd, rc);
    DPL_LEAVE_RETURN(rc);
}

DPL_EXPORT int fcntl(int fd, int cmd, ...) {
    va_list args;
    va_start(args, cmd);
    void *arg = va_arg(args, void *);
    va_end(args);
    return fcntl_common(dpl_real_fcntl(), fd, cmd, arg);
}

DPL_EXPORT int fcntl64(int fd, int cmd, ...) {
    va_list args;
    va_start(args, cmd);
    void *arg = va_arg(args, void *);
    va_end(args);
    if (dpl_real_fcntl64() == NULL) return fcntl_common(dpl_real_fcntl(), fd, cmd, arg);
    return fcntl_common((dpl_fcntl_fn)dpl_real_fcntl64(), fd, cmd, arg);
}
