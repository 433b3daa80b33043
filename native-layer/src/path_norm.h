/* Lexical normalisation of absolute paths ("//", "/./", "/../" collapsed) into a caller's buffer, so a rule for
 * /etc cannot be sidestepped with /usr/../etc. No allocation, no system call. Symlinks are not resolved. */
#pragma once
#include <stdbool.h>
#include <stddef.h>

/* True if `path` is absolute and already in normal form (normalising would copy it unchanged). */
bool dpl_path_is_normal(const char *path);

/* Returns false if `path` is not absolute or the result does not fit. */
bool dpl_path_normalize(const char *path, char *out, size_t out_size);

/* True if `path` is `tree` itself or lies below it (both normalised, `tree` without a trailing slash). */
bool dpl_path_in_tree(const char *path, const char *tree, size_t tree_len);
