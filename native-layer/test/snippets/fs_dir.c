/* Directory streams: opendir/fdopendir/readdir/readdir64/rewinddir/dirfd/closedir. */
#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../snippet.h"
#include "scratch.h"

static int by_name(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static void list(struct snippet_out *out, DIR *dir, const char *label) {
    char *names[16];
    int count = 0;
    struct dirent *entry;
    while ((entry = readdir(dir)) != NULL && count < 16) names[count++] = strdup(entry->d_name);
    qsort(names, (size_t)count, sizeof names[0], by_name);
    say(out, "%s:", label);
    for (int i = 0; i < count; i++) {
        say(out, " %s", names[i]);
        free(names[i]);
    }
    say(out, "\n");
}

void snippet_run(struct snippet_out *out, int instance) {
    char dir[PATH_MAX], path[PATH_MAX + 16];
    scratch_dir(dir, sizeof dir, "dir", instance);
    const char *files[] = {"b", "a", "c"};
    for (int i = 0; i < 3; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, files[i]);
        close(open(path, O_CREAT | O_WRONLY, 0600));
    }
    DIR *d = opendir(dir);
    say(out, "dirfd valid=%d\n", d && dirfd(d) >= 0);
    list(out, d, "readdir");
    rewinddir(d);
    int n = 0;
    while (readdir64(d) != NULL) n++;
    say(out, "readdir64 after rewind=%d\n", n);
    say(out, "closedir=%d\n", closedir(d));
    d = fdopendir(open(dir, O_RDONLY | O_DIRECTORY));
    list(out, d, "fdopendir");
    closedir(d);
    char missing[PATH_MAX];
    snprintf(missing, sizeof missing, "%s/dpl-snippet-missing", scratch_root());
    say(out, "opendir missing=%d\n", opendir(missing) == NULL);
    for (int i = 0; i < 3; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, files[i]);
        unlink(path);
    }
    rmdir(dir);
}
