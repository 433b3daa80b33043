#include "io_full.h"

#include <errno.h>
#include <sys/socket.h>

#include "real.h"

bool dpl_read_full(int fd, void *buf, size_t len) {
    char *p = buf;
    while (len > 0) {
        ssize_t n = dpl_real_read()(fd, p, len);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            if (n == 0) errno = 0;
            return false;
        }
        p += n;
        len -= (size_t)n;
    }
    return true;
}

bool dpl_write_full(int fd, const void *buf, size_t len) {
    const char *p = buf;
    while (len > 0) {
        /* sendto with MSG_NOSIGNAL: a vanished proxy must not kill the app with SIGPIPE. */
        ssize_t n = dpl_real_sendto()(fd, p, len, MSG_NOSIGNAL, NULL, 0);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        p += n;
        len -= (size_t)n;
    }
    return true;
}
