/* The real libc functions behind every hook, generated from hooks.def.
 * dpl_real_<name>() returns the next definition after the layer (dlsym RTLD_NEXT). All rows are resolved once by
 * dpl_resolve_all() at init; a call that arrives earlier (another library's constructor) resolves its own row on
 * the spot, so a real pointer is never NULL for a MANDATORY row. OPTIONAL rows may yield NULL: check it. */
#pragma once
#include "libc_types.h"

#define DPL_HOOK(kind, ret, name, params) typedef ret(*dpl_##name##_fn) params;
#include "hooks.def"
#undef DPL_HOOK

enum dpl_symbol {
#define DPL_HOOK(kind, ret, name, params) DPL_SYM_##name,
#include "hooks.def"
#undef DPL_HOOK
    DPL_SYM_COUNT
};

extern void *dpl_real_table[DPL_SYM_COUNT];

/* Resolves one row (idempotent, thread-safe); aborts with a message if a MANDATORY row is missing or circular. */
void *dpl_resolve_symbol(enum dpl_symbol sym);
void dpl_resolve_all(void);

#define DPL_HOOK(kind, ret, name, params)                                                     \
    static inline dpl_##name##_fn dpl_real_##name(void) {                                     \
        void *fn = __atomic_load_n(&dpl_real_table[DPL_SYM_##name], __ATOMIC_ACQUIRE);        \
        if (__builtin_expect(fn == NULL, 0)) fn = dpl_resolve_symbol(DPL_SYM_##name);         \
        return (dpl_##name##_fn)fn;                                                           \
    }
#include "hooks.def"
#undef DPL_HOOK
