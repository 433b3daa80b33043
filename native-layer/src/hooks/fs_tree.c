/* Changes to the directory tree: mkdir, unlink, rmdir, rename (and their *at forms). Classified as writes, so
 * they reach the pod only where writes do (fs mode write, read_write lists); the agent refuses them with EROFS
 * outside write mode. A rename between a pod path and a local path fails with EXDEV, as across file systems. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>

#include "file_ops.h"
#include "layer.h"
#include "remote.h"

/* Runs `remote` for a pod path, fails with ENOENT for a hidden one; false: a local path, do the real call. */
#define ROUTE_WRITE(dirfd, path, rc, remote)                                     \
    struct dpl_path_route route = dpl_route_path(dirfd, path, DPL_FS_WRITE);     \
    if (route.route == DPL_ROUTE_LOCAL) return false;                            \
    if (route.route == DPL_ROUTE_NOT_FOUND) {                                    \
        errno = ENOENT;                                                          \
        *rc = -1;                                                                \
        return true;                                                             \
    }                                                                            \
    int err = remote;                                                            \
    *rc = err == 0 ? 0 : dpl_file_fail(err);                                     \
    return true;

static bool remote_mkdir(int dirfd, const char *path, mode_t mode, int *rc) {
    ROUTE_WRITE(dirfd, path, rc, dpl_remote_mkdir(route.dir_handle, path, mode))
}

static bool remote_unlink(int dirfd, const char *path, int flags, int *rc) {
    ROUTE_WRITE(dirfd, path, rc, dpl_remote_unlink(route.dir_handle, path, flags))
}

static bool remote_rename(int fromfd, const char *from, int tofd, const char *to, int *rc) {
    struct dpl_path_route source = dpl_route_path(fromfd, from, DPL_FS_WRITE);
    struct dpl_path_route target = dpl_route_path(tofd, to, DPL_FS_WRITE);
    if (source.route == DPL_ROUTE_LOCAL && target.route == DPL_ROUTE_LOCAL) return false;
    *rc = -1;
    if (source.route == DPL_ROUTE_NOT_FOUND || target.route == DPL_ROUTE_NOT_FOUND) errno = ENOENT;
    else if (source.route != target.route) errno = EXDEV;
    else {
        int err = dpl_remote_rename(source.dir_handle, from, target.dir_handle, to);
        *rc = err == 0 ? 0 : dpl_file_fail(err);
    }
    return true;
}

#define TREE_BODY(remote_call, real_call)   \
    if (!dpl_enter()) return real_call;     \
    int rc;                                 \
    if (!(remote_call)) rc = real_call;     \
    DPL_LEAVE_RETURN(rc);

DPL_EXPORT int mkdir(const char *path, mode_t mode) {
    TREE_BODY(remote_mkdir(AT_FDCWD, path, mode, &rc), dpl_real_mkdir()(path, mode))
}
DPL_EXPORT int mkdirat(int dirfd, const char *path, mode_t mode) {
    TREE_BODY(remote_mkdir(dirfd, path, mode, &rc), dpl_real_mkdirat()(dirfd, path, mode))
}
DPL_EXPORT int unlink(const char *path) {
    TREE_BODY(remote_unlink(AT_FDCWD, path, 0, &rc), dpl_real_unlink()(path))
}
DPL_EXPORT int unlinkat(int dirfd, const char *path, int flags) {
    TREE_BODY(remote_unlink(dirfd, path, flags, &rc), dpl_real_unlinkat()(dirfd, path, flags))
}
DPL_EXPORT int rmdir(const char *path) {
    TREE_BODY(remote_unlink(AT_FDCWD, path, AT_REMOVEDIR, &rc), dpl_real_rmdir()(path))
}
DPL_EXPORT int rename(const char *from, const char *to) {
    TREE_BODY(remote_rename(AT_FDCWD, from, AT_FDCWD, to, &rc), dpl_real_rename()(from, to))
}
DPL_EXPORT int renameat(int fromfd, const char *from, int tofd, const char *to) {
    TREE_BODY(remote_rename(fromfd, from, tofd, to, &rc), dpl_real_renameat()(fromfd, from, tofd, to))
}
