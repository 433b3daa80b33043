/* A private scratch directory per snippet run, removed by the snippet. It lies under $DPL_SNIPPET_ROOT, /tmp by
 * default (a local tree for the layer); the session tests point it into the pod to run the same calls remotely. */
#pragma once
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static inline const char *scratch_root(void) {
    const char *root = getenv("DPL_SNIPPET_ROOT");
    return root && root[0] ? root : "/tmp";
}

static inline void scratch_dir(char *out, size_t size, const char *name, int instance) {
    snprintf(out, size, "%s/dpl-snippet-%s-%d-%d", scratch_root(), name, (int)getpid(), instance);
    mkdir(out, 0700);
}
