/* Diagnostics, prefixed "doppel layer[pid] <level>:": to the session proxy up to the config's log_level, else to
 * stderr up to DOPPEL_LAYER_LOG (error|warn|info|debug, default warn; when set, stderr gets its lines either way).
 * Formatting uses a stack buffer: no allocation, safe inside any hook. */
#pragma once
#include <stdbool.h>
#include <stddef.h>

enum dpl_log_level { DPL_LOG_ERROR, DPL_LOG_WARN, DPL_LOG_INFO, DPL_LOG_DEBUG };

extern enum dpl_log_level dpl_log_threshold;
/* Lines up to this level also go to the session proxy (LAYER_CONFIG log_level, as LOG frames), through
 * dpl_log_forwarder, which returns false when it could not deliver (then stderr takes the line). -1: none. */
extern int dpl_log_forward_threshold;
extern bool (*dpl_log_forwarder)(enum dpl_log_level level, const char *text);
/* One line per file classification ("path -> remote because ..."): DOPPEL_EXPLAIN_FS=1 or level debug. */
extern bool dpl_explain_fs;

void dpl_log_configure(const char *level_name, const char *explain_flag);
void dpl_log(enum dpl_log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Prints the message only the first time a given once-flag is seen (used for per-process warnings). */
void dpl_log_once(bool *once, enum dpl_log_level level, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* An explain-fs line, printed whenever dpl_explain_fs is on, whatever the level. */
void dpl_log_explain(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void dpl_log_fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

/* Writes raw bytes to stderr. The library routes this through the real write with its re-entry guard set; the
 * explain tool writes directly. */
void dpl_write_stderr(const char *text, size_t len);
