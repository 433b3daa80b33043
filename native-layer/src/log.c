#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <limits.h>
#include <string.h>
#include <unistd.h>

enum dpl_log_level dpl_log_threshold = DPL_LOG_WARN;
bool dpl_explain_fs;
int dpl_log_forward_threshold = -1;
bool (*dpl_log_forwarder)(enum dpl_log_level level, const char *text);
static bool threshold_explicit; /* DOPPEL_LAYER_LOG was set: stderr gets its lines even when forwarded */

static const char *const level_names[] = {"error", "warn", "info", "debug"};

void dpl_log_configure(const char *level_name, const char *explain_flag) {
    threshold_explicit = level_name != NULL && level_name[0] != '\0';
    if (level_name != NULL) {
        for (size_t i = 0; i < sizeof level_names / sizeof level_names[0]; i++) {
            if (strcmp(level_name, level_names[i]) == 0) dpl_log_threshold = (enum dpl_log_level)i;
        }
    }
    dpl_explain_fs = dpl_log_threshold == DPL_LOG_DEBUG ||
                     (explain_flag != NULL && explain_flag[0] != '\0' && strcmp(explain_flag, "0") != 0);
}

/* Formats the line; a level line (level >= 0) goes to the session proxy when it takes that level, and to stderr
 * when the proxy did not take it or DOPPEL_LAYER_LOG asks for it. Explain lines (level -1) go to stderr. */
static void emit(int level, const char *tag, const char *fmt, va_list args) {
    char line[PATH_MAX + 512];
    int head = snprintf(line, sizeof line, "doppel layer[%d] %s: ", (int)getpid(), tag);
    int body = vsnprintf(line + head, sizeof line - (size_t)head - 1, fmt, args);
    size_t len = (size_t)head + (body < 0 ? 0 : (size_t)body);
    if (len > sizeof line - 2) len = sizeof line - 2;
    line[len] = '\0';
    bool forwarded = level >= 0 && level <= dpl_log_forward_threshold && dpl_log_forwarder != NULL &&
                     dpl_log_forwarder((enum dpl_log_level)level, line + head);
    if (forwarded && !(threshold_explicit && level <= (int)dpl_log_threshold)) return;
    if (level > (int)dpl_log_threshold) return;
    line[len++] = '\n';
    dpl_write_stderr(line, len);
}

static bool wanted(enum dpl_log_level level) {
    return level <= dpl_log_threshold || (int)level <= dpl_log_forward_threshold;
}

void dpl_log(enum dpl_log_level level, const char *fmt, ...) {
    if (!wanted(level)) return;
    va_list args;
    va_start(args, fmt);
    emit((int)level, level_names[level], fmt, args);
    va_end(args);
}

void dpl_log_once(bool *once, enum dpl_log_level level, const char *fmt, ...) {
    if (!wanted(level) || __atomic_exchange_n(once, true, __ATOMIC_RELAXED)) return;
    va_list args;
    va_start(args, fmt);
    emit((int)level, level_names[level], fmt, args);
    va_end(args);
}

void dpl_log_fatal(const char *fmt, ...) {
    va_list args;
    va_start(args, fmt);
    emit(DPL_LOG_ERROR, level_names[DPL_LOG_ERROR], fmt, args);
    va_end(args);
    abort();
}

void dpl_log_explain(const char *fmt, ...) {
    va_list args;
    va_start(args, fmt);
    emit(-1, "explain-fs", fmt, args);
    va_end(args);
}
