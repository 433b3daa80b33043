/* File requests (PROTOCOL.md §7): one function per message, encoding the request and copying the reply out. */
#include <errno.h>
#include <string.h>
#include <sys/sysmacros.h>

#include "proxy_client.h"
#include "remote.h"

static struct dpl_bytes path_bytes(const char *path) {
    return (struct dpl_bytes){(const uint8_t *)path, (uint32_t)strlen(path)};
}

/* Sends `request`, expects `reply_type`, and releases the connection at once (for replies without content). */
static int call_simple(struct dpl_message *request, uint16_t reply_type) {
    struct dpl_message reply;
    int rc = dpl_proxy_call(request, reply_type, &reply);
    if (rc == 0) dpl_proxy_done();
    return rc;
}

int dpl_remote_open(uint64_t dir_handle, const char *path, int flags, unsigned mode, uint64_t *handle) {
    struct dpl_message request = {.type = DPL_MSG_FILE_OPEN,
                                .body.file_open = {dir_handle, (uint32_t)flags, mode, path_bytes(path)}};
    struct dpl_message reply;
    int rc = dpl_proxy_call(&request, DPL_MSG_FILE_HANDLE, &reply);
    if (rc != 0) return rc;
    *handle = reply.body.file_handle.handle;
    dpl_proxy_done();
    return 0;
}

int dpl_remote_read(uint64_t handle, int64_t offset, void *buf, size_t max_len, size_t *got) {
    if (max_len > DPL_MAX_DATA) max_len = DPL_MAX_DATA;
    struct dpl_message request = {.type = DPL_MSG_FILE_READ, .body.file_read = {handle, offset, (uint32_t)max_len}};
    struct dpl_message reply;
    int rc = dpl_proxy_call(&request, DPL_MSG_FILE_DATA, &reply);
    if (rc != 0) return rc;
    size_t n = reply.body.file_data.data.len < max_len ? reply.body.file_data.data.len : max_len;
    memcpy(buf, reply.body.file_data.data.ptr, n);
    *got = n;
    dpl_proxy_done();
    return 0;
}

int dpl_remote_write(uint64_t handle, int64_t offset, const void *buf, size_t len, size_t *written) {
    if (len > DPL_MAX_DATA) len = DPL_MAX_DATA;
    struct dpl_message request = {.type = DPL_MSG_FILE_WRITE,
                                .body.file_write = {handle, offset, {(const uint8_t *)buf, (uint32_t)len}}};
    struct dpl_message reply;
    int rc = dpl_proxy_call(&request, DPL_MSG_FILE_WRITTEN, &reply);
    if (rc != 0) return rc;
    *written = reply.body.file_written.count;
    dpl_proxy_done();
    return 0;
}

int dpl_remote_seek(uint64_t handle, int64_t offset, int whence, int64_t *position) {
    struct dpl_message request = {.type = DPL_MSG_FILE_SEEK, .body.file_seek = {handle, offset, (uint8_t)whence}};
    struct dpl_message reply;
    int rc = dpl_proxy_call(&request, DPL_MSG_FILE_POSITION, &reply);
    if (rc != 0) return rc;
    *position = reply.body.file_position.offset;
    dpl_proxy_done();
    return 0;
}

int dpl_remote_close(uint64_t handle) {
    struct dpl_message request = {.type = DPL_MSG_FILE_CLOSE, .body.file_close = {handle}};
    return call_simple(&request, DPL_MSG_OK);
}

int dpl_remote_stat(uint64_t dir_handle, const char *path, int at_flags, struct statx *out) {
    struct dpl_message request = {.type = DPL_MSG_FILE_STAT,
                                .body.file_stat = {dir_handle, (uint32_t)at_flags, path_bytes(path)}};
    struct dpl_message reply;
    int rc = dpl_proxy_call(&request, DPL_MSG_FILE_STATS, &reply);
    if (rc != 0) return rc;
    const struct dpl_file_stats *s = &reply.body.file_stats;
    memset(out, 0, sizeof *out);
    out->stx_mask = s->mask;
    out->stx_blksize = s->blksize;
    out->stx_nlink = s->nlink;
    out->stx_uid = s->uid;
    out->stx_gid = s->gid;
    out->stx_mode = (uint16_t)s->mode;
    out->stx_ino = s->ino;
    out->stx_size = (uint64_t)s->size;
    out->stx_blocks = s->blocks;
    out->stx_atime = (struct statx_timestamp){.tv_sec = s->atime_sec, .tv_nsec = s->atime_nsec};
    out->stx_btime = (struct statx_timestamp){.tv_sec = s->btime_sec, .tv_nsec = s->btime_nsec};
    out->stx_ctime = (struct statx_timestamp){.tv_sec = s->ctime_sec, .tv_nsec = s->ctime_nsec};
    out->stx_mtime = (struct statx_timestamp){.tv_sec = s->mtime_sec, .tv_nsec = s->mtime_nsec};
    out->stx_rdev_major = major(s->rdev);
    out->stx_rdev_minor = minor(s->rdev);
    out->stx_dev_major = major(s->dev);
    out->stx_dev_minor = minor(s->dev);
    dpl_proxy_done();
    return 0;
}

int dpl_remote_access(uint64_t dir_handle, const char *path, int mode, int at_flags) {
    struct dpl_message request = {.type = DPL_MSG_FILE_ACCESS,
                                .body.file_access = {dir_handle, (uint32_t)mode, (uint32_t)at_flags, path_bytes(path)}};
    return call_simple(&request, DPL_MSG_OK);
}

int dpl_remote_readlink(uint64_t dir_handle, const char *path, char *buf, size_t size, size_t *len) {
    struct dpl_message request = {.type = DPL_MSG_FILE_READLINK, .body.file_readlink = {dir_handle, path_bytes(path)}};
    struct dpl_message reply;
    int rc = dpl_proxy_call(&request, DPL_MSG_FILE_LINK, &reply);
    if (rc != 0) return rc;
    size_t n = reply.body.file_link.target.len < size ? reply.body.file_link.target.len : size; /* readlink truncates */
    memcpy(buf, reply.body.file_link.target.ptr, n);
    *len = n;
    dpl_proxy_done();
    return 0;
}

int dpl_remote_dir_open(uint64_t dir_handle, const char *path, uint64_t *handle) {
    struct dpl_message request = {.type = DPL_MSG_DIR_OPEN, .body.dir_open = {dir_handle, path_bytes(path)}};
    struct dpl_message reply;
    int rc = dpl_proxy_call(&request, DPL_MSG_FILE_HANDLE, &reply);
    if (rc != 0) return rc;
    *handle = reply.body.file_handle.handle;
    dpl_proxy_done();
    return 0;
}

int dpl_remote_dir_read(uint64_t handle, struct dirent64 *entries, size_t max, size_t *count) {
    struct dpl_message request = {.type = DPL_MSG_DIR_READ, .body.dir_read = {handle, (uint32_t)max}};
    struct dpl_message reply;
    int rc = dpl_proxy_call(&request, DPL_MSG_DIR_ENTRIES, &reply);
    if (rc != 0) return rc;
    uint32_t cursor = 0;
    union dpl_element element;
    size_t n = 0;
    while (n < max && dpl_list_next(&reply.body.dir_entries.entries, &cursor, &element)) {
        struct dirent64 *d = &entries[n++];
        memset(d, 0, sizeof *d);
        d->d_ino = element.dirent.ino;
        d->d_off = (off64_t)n;
        d->d_reclen = sizeof *d;
        d->d_type = element.dirent.type;
        size_t name_len = element.dirent.name.len < sizeof d->d_name - 1 ? element.dirent.name.len : sizeof d->d_name - 1;
        memcpy(d->d_name, element.dirent.name.ptr, name_len);
    }
    *count = n;
    dpl_proxy_done();
    return 0;
}

int dpl_remote_mkdir(uint64_t dir_handle, const char *path, unsigned mode) {
    struct dpl_message request = {.type = DPL_MSG_FILE_MKDIR, .body.file_mkdir = {dir_handle, mode, path_bytes(path)}};
    return call_simple(&request, DPL_MSG_OK);
}

int dpl_remote_unlink(uint64_t dir_handle, const char *path, int at_flags) {
    struct dpl_message request = {.type = DPL_MSG_FILE_UNLINK,
                                  .body.file_unlink = {dir_handle, (uint32_t)at_flags, path_bytes(path)}};
    return call_simple(&request, DPL_MSG_OK);
}

int dpl_remote_rename(uint64_t from_dir, const char *from, uint64_t to_dir, const char *to) {
    struct dpl_message request = {.type = DPL_MSG_FILE_RENAME,
                                  .body.file_rename = {from_dir, path_bytes(from), to_dir, path_bytes(to), 0}};
    return call_simple(&request, DPL_MSG_OK);
}
