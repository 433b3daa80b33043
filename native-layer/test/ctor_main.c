#include <stdio.h>

const char *snippet_early_output(void);

int main(void) {
    fputs(snippet_early_output(), stdout);
    return 0;
}
