/* Kernel-side copies: sendfile and copy_file_range. With a pod file on either side the kernel would copy the
 * /dev/null placeholder (a silent empty copy: Python's shutil.copyfile and Node's fs.copyFile use these), so the
 * layer copies through its own read and write paths instead. Local-to-local copies stay in the kernel. */
#include <errno.h>
#include <sys/sendfile.h>

#include "fd_table.h"
#include "file_ops.h"
#include "layer.h"

#define CHUNK (64 * 1024)

/* Reads up to `len` bytes from fd at *offset (or its position when offset is NULL). */
static ssize_t read_side(int fd, void *buf, size_t len, off64_t *offset) {
    struct dpl_slot *slot = dpl_fd_lock(fd, DPL_FD_REMOTE_FILE);
    ssize_t n;
    if (slot != NULL) {
        n = dpl_file_read(slot, buf, len, offset ? *offset : -1);
        dpl_slot_unlock(slot);
    } else {
        n = offset ? dpl_real_pread64()(fd, buf, len, *offset) : dpl_real_read()(fd, buf, len);
    }
    if (n > 0 && offset) *offset += n;
    return n;
}

static ssize_t write_side(int fd, const void *buf, size_t len, off64_t *offset) {
    struct dpl_slot *slot = dpl_fd_lock(fd, DPL_FD_REMOTE_FILE);
    ssize_t n;
    if (slot != NULL) {
        n = dpl_file_write(slot, buf, len, offset ? *offset : -1);
        dpl_slot_unlock(slot);
    } else {
        n = offset ? dpl_real_pwrite64()(fd, buf, len, *offset) : dpl_real_write()(fd, buf, len);
    }
    if (n > 0 && offset) *offset += n;
    return n;
}

/* Copies up to `count` bytes; returns the bytes copied, or -1 with errno if nothing could be copied. */
static ssize_t copy_through_layer(int in, off64_t *in_offset, int out, off64_t *out_offset, size_t count) {
    char buf[CHUNK];
    size_t total = 0;
    while (total < count) {
        size_t want = count - total < sizeof buf ? count - total : sizeof buf;
        ssize_t got = read_side(in, buf, want, in_offset);
        if (got <= 0) {
            if (got < 0 && total == 0) return -1;
            break;
        }
        size_t done = 0;
        while (done < (size_t)got) {
            ssize_t put = write_side(out, buf + done, (size_t)got - done, out_offset);
            if (put <= 0) return total + done > 0 ? (ssize_t)(total + done) : -1;
            done += (size_t)put;
        }
        total += (size_t)got;
        if ((size_t)got < want) break;
    }
    return (ssize_t)total;
}

DPL_EXPORT ssize_t sendfile(int out, int in, off_t *offset, size_t count) {
    if (!dpl_enter()) return dpl_real_sendfile()(out, in, offset, count);
    ssize_t rc;
    if (dpl_fd_is_local(in) && dpl_fd_is_local(out)) rc = dpl_real_sendfile()(out, in, offset, count);
    else {
        off64_t position = offset ? *offset : 0;
        rc = copy_through_layer(in, offset ? &position : NULL, out, NULL, count);
        if (offset && rc > 0) *offset = position;
    }
    DPL_LEAVE_RETURN(rc);
}

DPL_EXPORT ssize_t sendfile64(int out, int in, off64_t *offset, size_t count) {
    if (!dpl_enter()) return dpl_real_sendfile64()(out, in, offset, count);
    ssize_t rc = dpl_fd_is_local(in) && dpl_fd_is_local(out) ? dpl_real_sendfile64()(out, in, offset, count)
                                                              : copy_through_layer(in, offset, out, NULL, count);
    DPL_LEAVE_RETURN(rc);
}

DPL_EXPORT ssize_t copy_file_range(int in, off64_t *in_offset, int out, off64_t *out_offset, size_t count,
                                   unsigned int flags) {
    if (dpl_real_copy_file_range() == NULL) {
        errno = ENOSYS;
        return -1;
    }
    if (!dpl_enter()) return dpl_real_copy_file_range()(in, in_offset, out, out_offset, count, flags);
    ssize_t rc = dpl_fd_is_local(in) && dpl_fd_is_local(out)
                     ? dpl_real_copy_file_range()(in, in_offset, out, out_offset, count, flags)
                     : copy_through_layer(in, in_offset, out, out_offset, count);
    DPL_LEAVE_RETURN(rc);
}
