/* Read-exactly and write-exactly over the real libc calls: retry EINTR and short transfers. */
#pragma once
#include <stdbool.h>
#include <stddef.h>

/* Both return true when all `len` bytes moved; false with errno set (0 on end of stream for reads). */
bool dpl_read_full(int fd, void *buf, size_t len);
bool dpl_write_full(int fd, const void *buf, size_t len);
