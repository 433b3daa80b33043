#include "path_norm.h"

#include <string.h>

bool dpl_path_is_normal(const char *path) {
    if (path[0] != '/') return false;
    for (const char *p = path; p != NULL; p = strchr(p + 1, '/')) {
        /* "//", "/." followed by "/" or the end, "/.." likewise, or a trailing "/" (except the root itself) */
        if (p[1] == '/' || (p[1] == '\0' && p != path)) return false;
        if (p[1] == '.' && (p[2] == '/' || p[2] == '\0' || (p[2] == '.' && (p[3] == '/' || p[3] == '\0'))))
            return false;
    }
    return true;
}

bool dpl_path_normalize(const char *path, char *out, size_t out_size) {
    if (path[0] != '/' || out_size < 2) return false;
    size_t len = 0;
    const char *p = path;
    while (*p != '\0') {
        while (*p == '/') p++;
        const char *start = p;
        while (*p != '\0' && *p != '/') p++;
        size_t n = (size_t)(p - start);
        if (n == 0 || (n == 1 && start[0] == '.')) continue;
        if (n == 2 && start[0] == '.' && start[1] == '.') {
            while (len > 0 && out[len - 1] != '/') len--; /* drop the last component ... */
            if (len > 0) len--;                             /* ... and its slash */
            continue;
        }
        if (len + 1 + n + 1 > out_size) return false;
        out[len] = '/';
        memcpy(out + len + 1, start, n);
        len += 1 + n;
    }
    if (len == 0) len = 1;
    out[0] = '/';
    out[len] = '\0';
    return true;
}

bool dpl_path_in_tree(const char *path, const char *tree, size_t tree_len) {
    if (tree_len == 1 && tree[0] == '/') return true;
    return strncmp(path, tree, tree_len) == 0 && (path[tree_len] == '\0' || path[tree_len] == '/');
}
