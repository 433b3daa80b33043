/* Kernel-side copies: sendfile, sendfile with an offset, copy_file_range. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/sendfile.h>
#include <unistd.h>

#include "../snippet.h"
#include "scratch.h"

static void show(struct snippet_out *out, const char *label, const char *path) {
    char buf[64] = {0};
    int fd = open(path, O_RDONLY);
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    say(out, "%s: %zd '%s'\n", label, n, buf);
}

void snippet_run(struct snippet_out *out, int instance) {
    char dir[PATH_MAX], source[PATH_MAX + 16], copy1[PATH_MAX + 16], copy2[PATH_MAX + 16];
    scratch_dir(dir, sizeof dir, "copy", instance);
    snprintf(source, sizeof source, "%s/source", dir);
    snprintf(copy1, sizeof copy1, "%s/copy1", dir);
    snprintf(copy2, sizeof copy2, "%s/copy2", dir);
    int fd = open(source, O_CREAT | O_WRONLY | O_TRUNC, 0600);
    write(fd, "0123456789", 10);
    close(fd);

    int in = open(source, O_RDONLY), outfd = open(copy1, O_CREAT | O_WRONLY | O_TRUNC, 0600);
    ssize_t sent = sendfile(outfd, in, NULL, 6);
    off_t offset = 8;
    ssize_t sent_at = sendfile(outfd, in, &offset, 100);
    say(out, "sendfile=%zd sendfile at 8=%zd offset=%ld position=%ld\n", sent, sent_at, (long)offset,
        (long)lseek(in, 0, SEEK_CUR));
    close(outfd);
    show(out, "copy1", copy1);

    lseek(in, 0, SEEK_SET);
    outfd = open(copy2, O_CREAT | O_WRONLY | O_TRUNC, 0600);
    loff_t from = 2;
    ssize_t copied = copy_file_range(in, &from, outfd, NULL, 5, 0);
    say(out, "copy_file_range=%zd from=%ld\n", copied, (long)from);
    close(outfd);
    close(in);
    show(out, "copy2", copy2);

    unlink(source);
    unlink(copy1);
    unlink(copy2);
    rmdir(dir);
}
