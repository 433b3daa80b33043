/* User path regexes arrive as written for JS/Rust engines; the layer matches them with POSIX regcomp/regexec
 * (REG_EXTENDED). This translates the common shorthands into POSIX ERE and rejects what ERE cannot express.
 * The accepted subset is documented in FS_RULES.md. */
#pragma once
#include <stdbool.h>
#include <stddef.h>

#define DPL_REGEX_MAX 4096

/* Writes the ERE form of `source` to `out`. May add REG_ICASE to *cflags for a leading (?i). On an unsupported
 * construct writes a message naming it and its position to `error` and returns false. */
bool dpl_regex_translate(const char *source, char *out, size_t out_size, int *cflags, char *error, size_t error_size);
