/* Decides per path whether a file call goes to the pod, stays local, or fails with ENOENT.
 * Order: user not_found, read_write, read_only, local; then the built-in table (fs_rules_table.c, documented in
 * FS_RULES.md); then the fs mode's fallback. One implementation, used by the hooks and by dpl-explain-fs. */
#pragma once
#include <limits.h>
#include <stddef.h>

#include "config.h"

enum dpl_fs_verdict { DPL_FS_LOCAL, DPL_FS_REMOTE, DPL_FS_NOT_FOUND };
enum dpl_fs_access { DPL_FS_READ, DPL_FS_WRITE };

#define DPL_FS_MAX_BUILTIN_RULES 64

/* A built-in row bound to this process's context: prefix rows know their full length and two probe bytes, so the
 * walk rejects a non-matching row without calling anything. */
struct dpl_fs_prepared_rule {
    const struct dpl_fs_builtin_rule *rule;
    const char *base; /* "" for root rows */
    size_t base_len;
    size_t full_len;  /* base_len + text_len */
    char probe_second; /* byte 1 of base+text */
    char probe_last;   /* last byte of base+text */
};

/* Process facts some built-in rules depend on, captured once at start-up (normalised; "" when unknown), and the
 * built-in table prepared for them (rows whose context is unknown are left out). */
struct dpl_fs_context {
    char home[PATH_MAX];
    char tmpdir[PATH_MAX];
    char cwd[PATH_MAX];
    char exe[PATH_MAX];
    size_t home_len, tmpdir_len, cwd_len, exe_len;
    struct dpl_fs_prepared_rule prepared[DPL_FS_MAX_BUILTIN_RULES];
    size_t prepared_count;
};

struct dpl_fs_decision {
    enum dpl_fs_verdict verdict;
    const char *rule;   /* why, e.g. "built-in: system tree" or "fs.read_only" */
    const char *detail; /* the pattern or prefix that matched, or "" */
};

void dpl_fs_context_set(struct dpl_fs_context *ctx, const char *home, const char *tmpdir, const char *cwd,
                        const char *exe);

struct dpl_fs_decision dpl_fs_classify(const struct dpl_config *config, const struct dpl_fs_context *ctx,
                                       const char *path, enum dpl_fs_access access);

const char *dpl_fs_verdict_name(enum dpl_fs_verdict verdict);

/* "path → remote because <rule> (<detail>)" into `out`; returns its length. */
size_t dpl_fs_format_decision(char *out, size_t out_size, const char *path, struct dpl_fs_decision decision);

/* The built-in table, exposed for the table walk and for dpl-explain-fs --list. */
enum dpl_rule_base { DPL_BASE_ROOT, DPL_BASE_HOME, DPL_BASE_TMPDIR, DPL_BASE_CWD, DPL_BASE_EXE };
enum dpl_rule_match {
    DPL_MATCH_TREE,       /* the path is `text` (below the base) or lies below it */
    DPL_MATCH_EXACT,      /* the path is exactly `text` (below the base) */
    DPL_MATCH_TOP_PREFIX, /* the first path component starts with `text` (/lib, /lib64, /libx32 ...) */
    DPL_MATCH_SUFFIX,     /* the base name ends with `text` */
    DPL_MATCH_INFIX,      /* the base name contains `text` (libfoo.so.1) */
    DPL_MATCH_COMPONENT,  /* some directory component of the path is exactly `text` */
    DPL_MATCH_BASENAME,   /* the base name is exactly `text` */
    DPL_MATCH_ANCESTOR,   /* the path is a directory above the base (runtimes walk up from their cwd and exe) */
};
struct dpl_fs_builtin_rule {
    enum dpl_rule_base base;
    enum dpl_rule_match match;
    const char *text;
    size_t text_len;
    enum dpl_fs_verdict verdict; /* a REMOTE row is read-only: writes to it stay local */
    const char *why;
};
extern const struct dpl_fs_builtin_rule dpl_fs_builtin_rules[];
extern const size_t dpl_fs_builtin_rule_count;
