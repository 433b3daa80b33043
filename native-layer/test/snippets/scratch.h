/* A private scratch directory per snippet run under /tmp (a local tree for the layer), removed by the snippet. */
#pragma once
#include <limits.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

static inline void scratch_dir(char *out, size_t size, const char *name, int instance) {
    snprintf(out, size, "/tmp/dpl-snippet-%s-%d-%d", name, (int)getpid(), instance);
    mkdir(out, 0700);
}
