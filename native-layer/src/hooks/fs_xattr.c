/* Extended attributes of pod files. The protocol carries none, so a pod path reports "not supported", which
 * tools such as ls -l read as "no ACL, no label" instead of failing on a file they cannot see locally. */
#include <errno.h>
#include <fcntl.h>

#include "file_ops.h"
#include "layer.h"

/* ENOTSUP for a pod path, ENOENT for a hidden one; false: a local path, do the real call. */
static bool pod_path(const char *path, ssize_t *rc) {
    struct dpl_path_route route = dpl_route_path(AT_FDCWD, path, DPL_FS_READ);
    if (route.route == DPL_ROUTE_LOCAL) return false;
    errno = route.route == DPL_ROUTE_NOT_FOUND ? ENOENT : ENOTSUP;
    *rc = -1;
    return true;
}

#define XATTR_BODY(real_call)                 \
    if (!dpl_enter()) return real_call;       \
    ssize_t rc;                               \
    if (!pod_path(path, &rc)) rc = real_call; \
    DPL_LEAVE_RETURN(rc);

DPL_EXPORT ssize_t getxattr(const char *path, const char *name, void *value, size_t size) {
    XATTR_BODY(dpl_real_getxattr()(path, name, value, size))
}
DPL_EXPORT ssize_t lgetxattr(const char *path, const char *name, void *value, size_t size) {
    XATTR_BODY(dpl_real_lgetxattr()(path, name, value, size))
}
DPL_EXPORT ssize_t listxattr(const char *path, char *list, size_t size) {
    XATTR_BODY(dpl_real_listxattr()(path, list, size))
}
DPL_EXPORT ssize_t llistxattr(const char *path, char *list, size_t size) {
    XATTR_BODY(dpl_real_llistxattr()(path, list, size))
}
