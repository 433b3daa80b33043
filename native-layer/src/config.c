#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "regex_translate.h"

struct dpl_config dpl_config;

void dpl_config_set_defaults(struct dpl_config *config) {
    memset(config, 0, sizeof *config);
    config->fs_mode = DPL_FS_MODE_READ;
    config->outgoing_tcp = true;
    config->outgoing_udp = true;
    config->dns_enabled = true;
    config->incoming_mode = DPL_INCOMING_MIRROR;
}

bool dpl_regex_list_add(struct dpl_regex_list *list, const char *source, char *error, size_t error_size) {
    char translated[DPL_REGEX_MAX];
    int cflags = REG_EXTENDED | REG_NOSUB;
    if (!dpl_regex_translate(source, translated, sizeof translated, &cflags, error, error_size)) return false;
    regex_t compiled;
    int rc = regcomp(&compiled, translated, cflags);
    if (rc != 0) {
        char reason[256];
        regerror(rc, &compiled, reason, sizeof reason);
        snprintf(error, error_size, "regex \"%s\" (as POSIX ERE \"%s\") does not compile: %s", source, translated,
                 reason);
        return false;
    }
    regex_t *grown_compiled = realloc(list->compiled, (list->count + 1) * sizeof *grown_compiled);
    char **grown_sources = grown_compiled ? realloc(list->sources, (list->count + 1) * sizeof *grown_sources) : NULL;
    char *copy = grown_sources ? strdup(source) : NULL;
    if (copy == NULL) {
        if (grown_compiled) list->compiled = grown_compiled;
        if (grown_sources) list->sources = grown_sources;
        regfree(&compiled);
        snprintf(error, error_size, "out of memory while storing regex \"%s\"", source);
        return false;
    }
    list->compiled = grown_compiled;
    list->sources = grown_sources;
    list->compiled[list->count] = compiled;
    list->sources[list->count] = copy;
    list->count++;
    return true;
}

const char *dpl_regex_list_match(const struct dpl_regex_list *list, const char *path) {
    for (size_t i = 0; i < list->count; i++) {
        if (regexec(&list->compiled[i], path, 0, NULL, 0) == 0) return list->sources[i];
    }
    return NULL;
}

/* Build tools run by a build before the app starts; with skip_build_tools the layer leaves them alone. */
static const char *const build_tools[] = {"as", "cc", "cc1", "cc1plus", "clang", "clang++", "collect2", "g++",
                                          "gcc", "go", "gradle", "ld", "make", "mvn", "cargo", "rustc", "javac"};

static bool names_process(const char *name, const char *path) {
    if (path == NULL) return false;
    const char *slash = strrchr(path, '/');
    return strcmp(name, slash ? slash + 1 : path) == 0;
}

static bool is_skipped_name(const struct dpl_config *config, const char *path) {
    for (size_t i = 0; i < config->skip_process_count; i++) {
        if (names_process(config->skip_processes[i], path)) return true;
    }
    if (config->skip_build_tools) {
        for (size_t i = 0; i < sizeof build_tools / sizeof build_tools[0]; i++) {
            if (names_process(build_tools[i], path)) return true;
        }
    }
    return false;
}

bool dpl_config_skips_process(const struct dpl_config *config, const char *exe_path, const char *invoked_name) {
    return is_skipped_name(config, exe_path) || is_skipped_name(config, invoked_name);
}
