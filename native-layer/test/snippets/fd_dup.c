/* Descriptor lifecycle: dup/dup2/dup3/fcntl(F_DUPFD, F_DUPFD_CLOEXEC)/close_range/close. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "../snippet.h"

void snippet_run(struct snippet_out *out, int instance) {
    (void)instance;
    int fds[2];
    pipe(fds);
    int copy = dup(fds[1]);
    say(out, "dup ok=%d\n", copy > fds[1]);
    int high = fcntl(fds[1], F_DUPFD, 900);
    say(out, "F_DUPFD >= 900: %d\n", high >= 900);
    int cloexec = fcntl(fds[1], F_DUPFD_CLOEXEC, 0);
    say(out, "F_DUPFD_CLOEXEC flags=%d\n", fcntl(cloexec, F_GETFD) & FD_CLOEXEC);
    say(out, "dup2 onto high=%d\n", dup2(copy, high) == high);
    say(out, "dup3 cloexec=%d\n", dup3(copy, high, O_CLOEXEC) == high && (fcntl(high, F_GETFD) & FD_CLOEXEC));
    say(out, "write through dup=%zd\n", write(high, "x", 1));
    char c = 0;
    ssize_t got = read(fds[0], &c, 1);
    say(out, "read=%zd '%c'\n", got, c);
    say(out, "close_range=%d\n", close_range((unsigned)high, (unsigned)high, 0));
    errno = 0;
    ssize_t written = write(high, "x", 1);
    say(out, "closed fd write=%zd errno=%s\n", written, strerror(errno));
    errno = 0;
    int closed = close(-1);
    say(out, "close bad=%d errno=%s\n", closed, strerror(errno));
    close(copy);
    close(cloexec);
    close(fds[0]);
    close(fds[1]);
}
