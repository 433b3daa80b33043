/* Resolution of the real libc symbols listed in hooks.def (one loop over one table). */
#include "real.h"

#include <dlfcn.h>
#include <stdlib.h>

#include "log.h"

enum dpl_symbol_kind { MANDATORY, OPTIONAL, FORWARDED };

struct dpl_symbol_row {
    const char *name;
    enum dpl_symbol_kind kind;
    void *own; /* the layer's own definition: dlsym handing it back means a resolution cycle */
};

static const struct dpl_symbol_row rows[DPL_SYM_COUNT] = {
#define DPL_HOOK(kind, ret, name, params) [DPL_SYM_##name] = {#name, kind, (void *)&name},
#include "hooks.def"
#undef DPL_HOOK
};

void *dpl_real_table[DPL_SYM_COUNT];

void *dpl_resolve_symbol(enum dpl_symbol sym) {
    const struct dpl_symbol_row *row = &rows[sym];
    if (row->kind == FORWARDED) return NULL;
    void *fn = dlsym(RTLD_NEXT, row->name);
    if (fn == row->own) {
        dpl_log_fatal("dlsym(RTLD_NEXT, \"%s\") returned the layer's own hook (is libdoppel_layer.so loaded twice, "
                      "or linked into the program instead of preloaded?)",
                      row->name);
    }
    if (fn == NULL && row->kind == MANDATORY) {
        dpl_log_fatal("this libc has no \"%s\", which the layer needs; run the program without doppel's layer "
                      "and report the libc version (ldd --version)",
                      row->name);
    }
    __atomic_store_n(&dpl_real_table[sym], fn, __ATOMIC_RELEASE);
    return fn;
}

void dpl_resolve_all(void) {
    for (int sym = 0; sym < DPL_SYM_COUNT; sym++) {
        if (__atomic_load_n(&dpl_real_table[sym], __ATOMIC_ACQUIRE) == NULL) dpl_resolve_symbol(sym);
    }
}
