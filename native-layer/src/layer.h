/* The shape every hook shares: enter (init + re-entry guard), decide, real call or proxy request, leave.
 *
 *   int close(int fd) {
 *       if (!dpl_enter()) return dpl_real_close()(fd);   // not ours: layer busy, inactive or skipped
 *       ... classify, act ...
 *       dpl_leave();
 *   }
 *
 * dpl_busy is a per-thread flag: while it is set (inside a hook, inside init, inside a log line) every hooked call
 * the layer itself makes goes straight to libc, as libfaketime's DONT_FAKE_TIME does. It is checked before the
 * pthread_once, so a call that re-enters from init on the same thread passes through instead of deadlocking in
 * pthread_once. */
#pragma once
#include <stdbool.h>

#include "real.h"

enum dpl_state {
    DPL_STATE_UNINIT = 0,
    DPL_STATE_PASSTHROUGH, /* no session configured, or a skip_processes match: every hook is a plain forward */
    DPL_STATE_ACTIVE,
};

#define DPL_EXPORT __attribute__((visibility("default")))
#define DPL_UNLIKELY(x) __builtin_expect(!!(x), 0)

extern __thread bool dpl_busy __attribute__((tls_model("initial-exec")));
extern int dpl_state;

int dpl_init_slow(void);

static inline bool dpl_enter(void) {
    if (dpl_busy) return false;
    int state = __atomic_load_n(&dpl_state, __ATOMIC_ACQUIRE);
    if (DPL_UNLIKELY(state == DPL_STATE_UNINIT)) state = dpl_init_slow();
    if (state != DPL_STATE_ACTIVE) return false;
    dpl_busy = true;
    return true;
}

static inline void dpl_leave(void) { dpl_busy = false; }

/* Returns `value` after leaving the hook; errno is whatever the hook body set (dpl_leave does not touch it). */
#define DPL_LEAVE_RETURN(value) \
    do {                        \
        dpl_leave();            \
        return (value);         \
    } while (0)
