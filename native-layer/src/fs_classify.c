#include "fs_classify.h"

#include <stdio.h>
#include <string.h>

#include "path_norm.h"

static size_t set_context_path(char *dest, const char *value) {
    dest[0] = '\0';
    if (value == NULL || !dpl_path_normalize(value, dest, PATH_MAX)) dest[0] = '\0';
    /* A context of "/" would swallow every path, so it counts as unknown (e.g. HOME=/ for daemons, cwd /). */
    if (strcmp(dest, "/") == 0) dest[0] = '\0';
    return strlen(dest);
}

static const char *base_path(const struct dpl_fs_context *ctx, enum dpl_rule_base base, size_t *len);

static void prepare_rules(struct dpl_fs_context *ctx) {
    ctx->prepared_count = 0;
    for (size_t i = 0; i < dpl_fs_builtin_rule_count && ctx->prepared_count < DPL_FS_MAX_BUILTIN_RULES; i++) {
        const struct dpl_fs_builtin_rule *rule = &dpl_fs_builtin_rules[i];
        struct dpl_fs_prepared_rule *p = &ctx->prepared[ctx->prepared_count];
        p->rule = rule;
        p->base = base_path(ctx, rule->base, &p->base_len);
        if (rule->base != DPL_BASE_ROOT && p->base_len == 0) continue; /* unknown context: the row is off */
        p->full_len = p->base_len + rule->text_len;
        p->probe_second = p->base_len > 1 ? p->base[1] : rule->text_len > 1 ? rule->text[1] : '\0';
        p->probe_last = rule->text_len > 0 ? rule->text[rule->text_len - 1] : p->base[p->base_len - 1];
        ctx->prepared_count++;
    }
}

void dpl_fs_context_set(struct dpl_fs_context *ctx, const char *home, const char *tmpdir, const char *cwd,
                        const char *exe) {
    ctx->home_len = set_context_path(ctx->home, home);
    ctx->tmpdir_len = set_context_path(ctx->tmpdir, tmpdir);
    ctx->cwd_len = set_context_path(ctx->cwd, cwd);
    ctx->exe_len = set_context_path(ctx->exe, exe);
    prepare_rules(ctx);
}

static const char *base_path(const struct dpl_fs_context *ctx, enum dpl_rule_base base, size_t *len) {
    switch (base) {
    case DPL_BASE_HOME: *len = ctx->home_len; return ctx->home;
    case DPL_BASE_TMPDIR: *len = ctx->tmpdir_len; return ctx->tmpdir;
    case DPL_BASE_CWD: *len = ctx->cwd_len; return ctx->cwd;
    case DPL_BASE_EXE: *len = ctx->exe_len; return ctx->exe;
    default: *len = 0; return "";
    }
}

static bool has_component(const char *path, const char *name, size_t name_len) {
    for (const char *p = path; (p = strchr(p, '/')) != NULL;) {
        p++;
        if (p[0] == name[0] && strncmp(p, name, name_len) == 0 && p[name_len] == '/') return true;
    }
    return false;
}

static inline bool rule_matches(const struct dpl_fs_prepared_rule *p, const char *path, size_t path_len,
                                const char *basename, size_t basename_len) {
    const struct dpl_fs_builtin_rule *rule = p->rule;
    size_t text_len = rule->text_len;
    switch (rule->match) {
    case DPL_MATCH_TREE:
    case DPL_MATCH_EXACT: {
        if (path_len < p->full_len || path[1] != p->probe_second || path[p->full_len - 1] != p->probe_last)
            return false;
        char after = path[p->full_len];
        if (after != '\0' && (rule->match == DPL_MATCH_EXACT || after != '/')) return false;
        return memcmp(path, p->base, p->base_len) == 0 && memcmp(path + p->base_len, rule->text, text_len) == 0;
    }
    case DPL_MATCH_ANCESTOR:
        return path_len == 1 ||
               (path_len < p->base_len && p->base[path_len] == '/' && memcmp(p->base, path, path_len) == 0);
    case DPL_MATCH_TOP_PREFIX: return path[1] == rule->text[0] && strncmp(path + 1, rule->text, text_len) == 0;
    case DPL_MATCH_SUFFIX:
        return basename_len > text_len && basename[basename_len - 1] == rule->text[text_len - 1] &&
               memcmp(basename + basename_len - text_len, rule->text, text_len) == 0;
    case DPL_MATCH_INFIX: return strstr(basename, rule->text) != NULL;
    case DPL_MATCH_COMPONENT: return has_component(path, rule->text, text_len);
    case DPL_MATCH_BASENAME: return basename_len == text_len && memcmp(basename, rule->text, text_len) == 0;
    }
    return false;
}

static struct dpl_fs_decision decide(enum dpl_fs_verdict verdict, const char *rule, const char *detail) {
    return (struct dpl_fs_decision){verdict, rule, detail ? detail : ""};
}

struct dpl_fs_decision dpl_fs_classify(const struct dpl_config *config, const struct dpl_fs_context *ctx,
                                       const char *path, enum dpl_fs_access access) {
    if (path == NULL || path[0] != '/') return decide(DPL_FS_LOCAL, "a relative path (resolved locally)", NULL);
    if (config->fs_mode == DPL_FS_MODE_LOCAL) return decide(DPL_FS_LOCAL, "fs mode is local", NULL);
    char buffer[PATH_MAX];
    const char *normalized = path; /* most paths are already normal: classify them in place */
    if (!dpl_path_is_normal(path)) {
        if (!dpl_path_normalize(path, buffer, sizeof buffer))
            return decide(DPL_FS_LOCAL, "the path is too long to classify", NULL);
        normalized = buffer;
    }
    const char *pattern;
    const struct dpl_regex_list *lists = config->fs_lists;
    if ((pattern = dpl_regex_list_match(&lists[DPL_FS_LIST_NOT_FOUND], normalized)) != NULL)
        return decide(DPL_FS_NOT_FOUND, "fs.not_found matches", pattern);
    if ((pattern = dpl_regex_list_match(&lists[DPL_FS_LIST_READ_WRITE], normalized)) != NULL)
        return decide(DPL_FS_REMOTE, "fs.read_write matches", pattern);
    if ((pattern = dpl_regex_list_match(&lists[DPL_FS_LIST_READ_ONLY], normalized)) != NULL) {
        return access == DPL_FS_READ ? decide(DPL_FS_REMOTE, "fs.read_only matches", pattern)
                                     : decide(DPL_FS_LOCAL, "fs.read_only matches, and writes stay local", pattern);
    }
    if ((pattern = dpl_regex_list_match(&lists[DPL_FS_LIST_LOCAL], normalized)) != NULL)
        return decide(DPL_FS_LOCAL, "fs.local matches", pattern);

    size_t path_len = strlen(normalized);
    const char *slash = strrchr(normalized, '/');
    const char *basename = slash + 1;
    size_t basename_len = path_len - (size_t)(basename - normalized);
    for (size_t i = 0; i < ctx->prepared_count; i++) {
        const struct dpl_fs_builtin_rule *rule = ctx->prepared[i].rule;
        if (!rule_matches(&ctx->prepared[i], normalized, path_len, basename, basename_len)) continue;
        if (rule->verdict == DPL_FS_REMOTE && access == DPL_FS_WRITE)
            return decide(DPL_FS_LOCAL, "built-in (writes stay local)", rule->why);
        return decide(rule->verdict, "built-in", rule->why);
    }

    switch (config->fs_mode) {
    case DPL_FS_MODE_WRITE: return decide(DPL_FS_REMOTE, "fs mode write (fallback)", NULL);
    case DPL_FS_MODE_READ:
        return access == DPL_FS_READ ? decide(DPL_FS_REMOTE, "fs mode read (fallback)", NULL)
                                     : decide(DPL_FS_LOCAL, "fs mode read (fallback: writes stay local)", NULL);
    default: return decide(DPL_FS_LOCAL, "fs mode localwithoverrides (fallback)", NULL);
    }
}

const char *dpl_fs_verdict_name(enum dpl_fs_verdict verdict) {
    switch (verdict) {
    case DPL_FS_REMOTE: return "remote";
    case DPL_FS_NOT_FOUND: return "not_found";
    default: return "local";
    }
}

size_t dpl_fs_format_decision(char *out, size_t out_size, const char *path, struct dpl_fs_decision decision) {
    int n = decision.detail[0] != '\0'
                ? snprintf(out, out_size, "%s → %s because %s: %s", path, dpl_fs_verdict_name(decision.verdict),
                           decision.rule, decision.detail)
                : snprintf(out, out_size, "%s → %s because %s", path, dpl_fs_verdict_name(decision.verdict),
                           decision.rule);
    if (n < 0) return 0;
    return (size_t)n < out_size ? (size_t)n : out_size - 1;
}
