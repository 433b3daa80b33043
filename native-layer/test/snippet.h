/* One snippet per hooked call family. Each defines snippet_run(), which exercises its calls and reports results
 * (never pids, fd-independent where it matters) through say(). driver.c runs it plain, threaded and after fork;
 * ctor.c runs it from a library constructor, before the layer's own constructor may have run. The test compares
 * every run's output with and without the layer. */
#pragma once
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

struct snippet_out {
    char text[16384];
    size_t len;
};

static inline void say(struct snippet_out *out, const char *fmt, ...) {
    va_list args;
    va_start(args, fmt);
    int n = vsnprintf(out->text + out->len, sizeof out->text - out->len, fmt, args);
    va_end(args);
    if (n > 0) out->len += (size_t)n < sizeof out->text - out->len ? (size_t)n : sizeof out->text - out->len - 1;
}

/* `instance` tells concurrent runs apart (distinct scratch paths and ports). */
void snippet_run(struct snippet_out *out, int instance);
