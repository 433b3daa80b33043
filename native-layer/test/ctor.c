/* Built into a shared library the ctor program links against: the snippet runs in this library's constructor,
 * which the dynamic loader may run before the preloaded layer's constructor (hooks called before init). */
#include <stdio.h>

#include "snippet.h"

static struct snippet_out early;

__attribute__((constructor)) static void run_early(void) { snippet_run(&early, 0); }

const char *snippet_early_output(void) { return early.text; }
