/* open family, read/write family, lseek, stdio streams. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include "../snippet.h"
#include "scratch.h"

void snippet_run(struct snippet_out *out, int instance) {
    char dir[PATH_MAX], path[PATH_MAX + 16];
    scratch_dir(dir, sizeof dir, "open", instance);
    snprintf(path, sizeof path, "%s/data.txt", dir);

    int fd = creat(path, 0600);
    say(out, "creat ok=%d\n", fd >= 0);
    say(out, "write=%zd\n", write(fd, "hello, layer\n", 13));
    struct iovec parts[2] = {{"ab", 2}, {"cd\n", 3}};
    say(out, "writev=%zd\n", writev(fd, parts, 2));
    say(out, "pwrite=%zd\n", pwrite(fd, "H", 1, 0));
    struct iovec patch[2] = {{"L", 1}, {"A", 1}};
    say(out, "pwritev=%zd\n", pwritev(fd, patch, 2, 7));
    close(fd);

    fd = open(path, O_RDONLY | O_CLOEXEC);
    char buf[64] = {0};
    ssize_t n = read(fd, buf, 5);
    say(out, "read=%zd '%.*s'\n", n, 5, buf);
    say(out, "lseek=%ld\n", (long)lseek(fd, 0, SEEK_CUR));
    n = pread(fd, buf, 5, 7);
    say(out, "pread=%zd '%.*s'\n", n, 5, buf);
    char a[3] = {0}, b[4] = {0};
    struct iovec in[2] = {{a, 2}, {b, 3}};
    n = readv(fd, in, 2);
    say(out, "readv=%zd '%s' '%s'\n", n, a, b);
    char c[3] = {0}, d[3] = {0};
    struct iovec at[2] = {{c, 2}, {d, 2}};
    n = preadv(fd, at, 2, 1);
    say(out, "preadv=%zd '%s' '%s'\n", n, c, d);
    say(out, "lseek end=%ld\n", (long)lseek(fd, 0, SEEK_END));
    say(out, "close=%d\n", close(fd));

    int dirfd = open(dir, O_RDONLY | O_DIRECTORY);
    fd = openat(dirfd, "data.txt", O_RDONLY);
    say(out, "openat relative ok=%d\n", fd >= 0);
    close(fd);
    close(dirfd);

    char missing_path[PATH_MAX];
    snprintf(missing_path, sizeof missing_path, "%s/dpl-snippet-missing/none", scratch_root());
    errno = 0;
    int missing = open(missing_path, O_RDONLY);
    say(out, "open missing=%d errno=%s\n", missing, strerror(errno));

    FILE *stream = fopen(path, "r");
    char line[64] = {0};
    say(out, "fopen ok=%d fgets='%s'\n", stream != NULL, stream && fgets(line, sizeof line, stream) ? strtok(line, "\n") : "");
    if (stream) fclose(stream);
    stream = fopen(path, "a");
    fputs("appended\n", stream);
    fclose(stream);
    stream = freopen(path, "r", tmpfile());
    int lines = 0;
    while (stream && fgets(line, sizeof line, stream)) lines++;
    say(out, "freopen lines=%d\n", lines);
    if (stream) fclose(stream);

    unlink(path);
    rmdir(dir);
}
