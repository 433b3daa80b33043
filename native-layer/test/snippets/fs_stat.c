/* stat family (stat/lstat/fstat/fstatat/statx/syscall(SYS_statx), the glibc __xstat wrappers), access, readlink,
 * realpath. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "../snippet.h"
#include "scratch.h"

int __xstat(int ver, const char *path, struct stat *st);
int __lxstat(int ver, const char *path, struct stat *st);
int __fxstat(int ver, int fd, struct stat *st);

void snippet_run(struct snippet_out *out, int instance) {
    char dir[PATH_MAX], file[PATH_MAX + 16], link[PATH_MAX + 16];
    scratch_dir(dir, sizeof dir, "stat", instance);
    snprintf(file, sizeof file, "%s/f", dir);
    snprintf(link, sizeof link, "%s/l", dir);
    int fd = open(file, O_CREAT | O_WRONLY, 0640);
    write(fd, "12345", 5);
    symlink("f", link);

    struct stat st;
    int rc = stat(file, &st);
    say(out, "stat=%d size=%ld mode=%o\n", rc, (long)st.st_size, st.st_mode & 07777);
    rc = lstat(link, &st);
    say(out, "lstat link=%d islnk=%d\n", rc, S_ISLNK(st.st_mode));
    rc = fstat(fd, &st);
    say(out, "fstat=%d size=%ld\n", rc, (long)st.st_size);
    rc = fstatat(AT_FDCWD, link, &st, 0);
    say(out, "fstatat=%d size=%ld\n", rc, (long)st.st_size);
    struct statx stx = {0};
    rc = statx(AT_FDCWD, file, 0, STATX_BASIC_STATS, &stx);
    say(out, "statx=%d size=%llu\n", rc, (unsigned long long)stx.stx_size);
    memset(&stx, 0, sizeof stx);
    long lrc = syscall(SYS_statx, fd, "", AT_EMPTY_PATH, STATX_BASIC_STATS, &stx);
    say(out, "syscall statx empty path=%ld size=%llu\n", lrc, (unsigned long long)stx.stx_size);
    say(out, "__xstat=%d __lxstat=%d __fxstat=%d\n", __xstat(1, file, &st), __lxstat(1, link, &st),
        __fxstat(1, fd, &st));
    char missing_path[PATH_MAX];
    snprintf(missing_path, sizeof missing_path, "%s/dpl-snippet-missing/none", scratch_root());
    errno = 0;
    int missing = stat(missing_path, &st);
    say(out, "stat missing=%d errno=%s\n", missing, strerror(errno));
    say(out, "access R=%d X=%d\n", access(file, R_OK), access(file, X_OK));
    say(out, "faccessat=%d\n", faccessat(AT_FDCWD, file, W_OK, 0));
    char target[64] = {0};
    ssize_t target_len = readlink(link, target, sizeof target - 1);
    say(out, "readlink=%zd '%s'\n", target_len, target);
    char *resolved = realpath(link, NULL);
    say(out, "realpath ends with /f=%d\n", resolved && strcmp(resolved + strlen(resolved) - 2, "/f") == 0);
    free(resolved);
    close(fd);
    unlink(link);
    unlink(file);
    rmdir(dir);
}
