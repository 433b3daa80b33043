/* Directory streams. glibc's opendir/readdir use internal calls the layer cannot see, so a remote directory gets
 * a DIR of the layer's own making: `struct remote_dir`, recognised by address in a small registry. With no remote
 * directory open the registry is empty and readdir/closedir cost one atomic load on top of the real call. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>

#include "after_fork.h"
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "fd_table.h"
#include "file_ops.h"
#include "layer.h"
#include "remote.h"

#define MAX_REMOTE_DIRS 256
#define BATCH 64

struct remote_dir {
    int fd;          /* placeholder fd of the directory itself (dirfd) */
    uint64_t stream; /* DIR_OPEN handle */
    struct dirent64 entries[BATCH];
    size_t count, next;
    bool at_end;
    struct dirent entry; /* readdir's answer (same layout as dirent64 on this platform) */
};

_Static_assert(sizeof(struct dirent) == sizeof(struct dirent64), "dirent and dirent64 share a layout");

static struct remote_dir *registry[MAX_REMOTE_DIRS];
static unsigned registry_count;
static pthread_mutex_t registry_lock = PTHREAD_MUTEX_INITIALIZER;

static struct remote_dir *find_remote(DIR *dir) {
    if (__atomic_load_n(&registry_count, __ATOMIC_ACQUIRE) == 0) return NULL;
    pthread_mutex_lock(&registry_lock);
    struct remote_dir *found = NULL;
    for (size_t i = 0; i < MAX_REMOTE_DIRS && found == NULL; i++) {
        if (registry[i] == (struct remote_dir *)dir) found = registry[i];
    }
    pthread_mutex_unlock(&registry_lock);
    return found;
}

static bool register_dir(struct remote_dir *dir) {
    pthread_mutex_lock(&registry_lock);
    bool stored = false;
    for (size_t i = 0; i < MAX_REMOTE_DIRS && !stored; i++) {
        if (registry[i] == NULL) {
            registry[i] = dir;
            stored = true;
            __atomic_add_fetch(&registry_count, 1, __ATOMIC_RELEASE);
        }
    }
    pthread_mutex_unlock(&registry_lock);
    return stored;
}

static void unregister_dir(struct remote_dir *dir) {
    pthread_mutex_lock(&registry_lock);
    for (size_t i = 0; i < MAX_REMOTE_DIRS; i++) {
        if (registry[i] == dir) {
            registry[i] = NULL;
            __atomic_sub_fetch(&registry_count, 1, __ATOMIC_RELEASE);
        }
    }
    pthread_mutex_unlock(&registry_lock);
}

/* A directory stream over the remote directory open as placeholder `fd` (which the stream then owns). */
static DIR *open_stream(int fd) {
    struct dpl_slot *slot = dpl_fd_lock(fd, DPL_FD_REMOTE_FILE);
    if (slot == NULL) {
        errno = EBADF;
        return NULL;
    }
    uint64_t stream;
    int err = dpl_remote_dir_open(slot->file.handle, "", &stream);
    dpl_slot_unlock(slot);
    if (err != 0) {
        dpl_file_fail(err);
        return NULL;
    }
    struct remote_dir *dir = calloc(1, sizeof *dir);
    if (dir == NULL || !register_dir(dir)) {
        free(dir);
        dpl_remote_close(stream);
        errno = dir == NULL ? ENOMEM : EMFILE;
        return NULL;
    }
    dir->fd = fd;
    dir->stream = stream;
    return (DIR *)dir;
}

DPL_EXPORT DIR *opendir(const char *path) {
    if (!dpl_enter()) return dpl_real_opendir()(path);
    int fd;
    DIR *result;
    if (!dpl_file_open(AT_FDCWD, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0, &fd)) result = dpl_real_opendir()(path);
    else if (fd < 0) result = NULL;
    else if ((result = open_stream(fd)) == NULL) {
        int saved = errno;
        dpl_close_tracked(fd);
        errno = saved;
    }
    DPL_LEAVE_RETURN(result);
}

DPL_EXPORT DIR *fdopendir(int fd) {
    if (!dpl_enter()) return dpl_real_fdopendir()(fd);
    DIR *result = dpl_fd_is_local(fd) ? dpl_real_fdopendir()(fd) : open_stream(fd);
    DPL_LEAVE_RETURN(result);
}

static struct dirent64 *next_entry(struct remote_dir *dir) {
    if (dir->next == dir->count) {
        if (dir->at_end) return NULL;
        int err = dpl_remote_dir_read(dir->stream, dir->entries, BATCH, &dir->count);
        dir->next = 0;
        if (err != 0) {
            dir->count = 0;
            dpl_file_fail(err);
            return NULL;
        }
        if (dir->count == 0) {
            dir->at_end = true;
            return NULL;
        }
    }
    return &dir->entries[dir->next++];
}

DPL_EXPORT struct dirent *readdir(DIR *d) {
    if (!dpl_enter()) return dpl_real_readdir()(d);
    struct remote_dir *dir = find_remote(d);
    struct dirent *result;
    if (dir == NULL) result = dpl_real_readdir()(d);
    else {
        struct dirent64 *entry = next_entry(dir);
        if (entry != NULL) memcpy(&dir->entry, entry, sizeof dir->entry);
        result = entry ? &dir->entry : NULL;
    }
    DPL_LEAVE_RETURN(result);
}

DPL_EXPORT struct dirent64 *readdir64(DIR *d) {
    if (!dpl_enter()) return dpl_real_readdir64()(d);
    struct remote_dir *dir = find_remote(d);
    struct dirent64 *result = dir ? next_entry(dir) : dpl_real_readdir64()(d);
    DPL_LEAVE_RETURN(result);
}

DPL_EXPORT int closedir(DIR *d) {
    if (!dpl_enter()) return dpl_real_closedir()(d);
    struct remote_dir *dir = find_remote(d);
    int rc;
    if (dir == NULL) rc = dpl_real_closedir()(d);
    else {
        unregister_dir(dir);
        dpl_remote_close(dir->stream);
        rc = dpl_close_tracked(dir->fd);
        free(dir);
    }
    DPL_LEAVE_RETURN(rc);
}

DPL_EXPORT int dirfd(DIR *d) {
    if (!dpl_enter()) return dpl_real_dirfd()(d);
    struct remote_dir *dir = find_remote(d);
    int rc = dir ? dir->fd : dpl_real_dirfd()(d);
    DPL_LEAVE_RETURN(rc);
}

DPL_EXPORT void rewinddir(DIR *d) {
    if (!dpl_enter()) {
        dpl_real_rewinddir()(d);
        return;
    }
    struct remote_dir *dir = find_remote(d);
    if (dir == NULL) dpl_real_rewinddir()(d);
    else {
        struct dpl_slot *slot = dpl_fd_lock(dir->fd, DPL_FD_REMOTE_FILE);
        uint64_t stream;
        if (slot != NULL && dpl_remote_dir_open(slot->file.handle, "", &stream) == 0) {
            dpl_remote_close(dir->stream);
            dir->stream = stream;
            dir->count = dir->next = 0;
            dir->at_end = false;
        }
        if (slot != NULL) dpl_slot_unlock(slot);
    }
    dpl_leave();
}

void dpl_dirs_after_fork_child(void) { pthread_mutex_init(&registry_lock, NULL); }

/* scandir on a pod directory (libuv's fs.readdir uses it): the entries of a remote stream, filtered and sorted,
 * in memory the caller frees entry by entry and then the array, as with libc's scandir. */
typedef int (*dirent_filter)(const struct dirent *);
typedef int (*dirent_compare)(const struct dirent **, const struct dirent **);

static bool remote_scandir(const char *path, struct dirent ***list, dirent_filter filter, dirent_compare compare,
                           int *result) {
    int fd;
    if (!dpl_file_open(AT_FDCWD, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0, &fd)) return false;
    *result = -1;
    if (fd < 0) return true;
    struct remote_dir *dir = (struct remote_dir *)open_stream(fd);
    if (dir == NULL) {
        int saved = errno;
        dpl_close_tracked(fd);
        errno = saved;
        return true;
    }
    struct dirent **entries = NULL;
    size_t count = 0, capacity = 0;
    struct dirent64 *entry;
    bool failed = false;
    errno = 0;
    while (!failed && (entry = next_entry(dir)) != NULL) {
        if (filter != NULL && !filter((const struct dirent *)entry)) continue;
        if (count == capacity) {
            capacity = capacity ? capacity * 2 : 32;
            struct dirent **grown = realloc(entries, capacity * sizeof *grown);
            failed = grown == NULL;
            if (!failed) entries = grown;
        }
        struct dirent *copy = failed ? NULL : malloc(sizeof *copy);
        failed = copy == NULL;
        if (!failed) {
            memcpy(copy, entry, sizeof *copy);
            entries[count++] = copy;
        }
    }
    int saved = failed ? ENOMEM : errno;
    unregister_dir(dir);
    dpl_remote_close(dir->stream);
    dpl_close_tracked(dir->fd);
    free(dir);
    if (failed || saved != 0) {
        while (count > 0) free(entries[--count]);
        free(entries);
        errno = saved;
        return true;
    }
    if (compare != NULL) qsort(entries, count, sizeof *entries, (int (*)(const void *, const void *))compare);
    *list = entries;
    *result = (int)count;
    return true;
}

DPL_EXPORT int scandir(const char *path, struct dirent ***list, dirent_filter filter, dirent_compare compare) {
    if (!dpl_enter()) return dpl_real_scandir()(path, list, filter, compare);
    int rc;
    if (!remote_scandir(path, list, filter, compare, &rc)) rc = dpl_real_scandir()(path, list, filter, compare);
    DPL_LEAVE_RETURN(rc);
}

DPL_EXPORT int scandir64(const char *path, struct dirent64 ***list, int (*filter)(const struct dirent64 *),
                         int (*compare)(const struct dirent64 **, const struct dirent64 **)) {
    if (!dpl_enter()) return dpl_real_scandir64()(path, list, filter, compare);
    int rc;
    if (!remote_scandir(path, (struct dirent ***)list, (dirent_filter)filter, (dirent_compare)compare, &rc))
        rc = dpl_real_scandir64()(path, list, filter, compare);
    DPL_LEAVE_RETURN(rc);
}
