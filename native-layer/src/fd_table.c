#include "fd_table.h"

#include "after_fork.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

uint16_t dpl_fd_slot_of[DPL_FD_TABLE_SIZE];
static struct dpl_slot slots[DPL_SLOT_COUNT]; /* index 0 unused: 0 means "local" in dpl_fd_slot_of */
static pthread_mutex_t table_lock = PTHREAD_MUTEX_INITIALIZER;

static uint16_t index_of(const struct dpl_slot *slot) { return (uint16_t)(slot - slots); }

struct dpl_slot *dpl_slot_alloc(enum dpl_fd_kind kind) {
    pthread_mutex_lock(&table_lock);
    for (size_t i = 1; i < DPL_SLOT_COUNT; i++) {
        struct dpl_slot *slot = &slots[i];
        if (slot->kind != DPL_FD_FREE) continue;
        pthread_mutex_lock(&slot->lock);
        memset(&slot->file, 0, sizeof slot->file > sizeof slot->sock ? sizeof slot->file : sizeof slot->sock);
        slot->kind = kind;
        slot->fd_refs = 0;
        pthread_mutex_unlock(&slot->lock);
        pthread_mutex_unlock(&table_lock);
        return slot;
    }
    pthread_mutex_unlock(&table_lock);
    errno = ENFILE;
    return NULL;
}

void dpl_slot_release(struct dpl_slot *slot) {
    pthread_mutex_lock(&slot->lock);
    dpl_slot_retire(slot);
}

void dpl_fd_bind(int fd, struct dpl_slot *slot) {
    pthread_mutex_lock(&table_lock);
    slot->fd_refs++;
    __atomic_store_n(&dpl_fd_slot_of[fd], index_of(slot), __ATOMIC_RELEASE);
    pthread_mutex_unlock(&table_lock);
}

struct dpl_slot *dpl_fd_lock(int fd, enum dpl_fd_kind kind) {
    if (dpl_fd_is_local(fd)) return NULL;
    uint16_t index = __atomic_load_n(&dpl_fd_slot_of[fd], __ATOMIC_ACQUIRE);
    struct dpl_slot *slot = &slots[index];
    pthread_mutex_lock(&slot->lock);
    /* The fd may have been closed (and the slot recycled) between the load and the lock. */
    if (__atomic_load_n(&dpl_fd_slot_of[fd], __ATOMIC_ACQUIRE) != index || slot->kind == DPL_FD_FREE ||
        (kind != DPL_FD_FREE && slot->kind != kind)) {
        pthread_mutex_unlock(&slot->lock);
        return NULL;
    }
    return slot;
}

void dpl_slot_unlock(struct dpl_slot *slot) { pthread_mutex_unlock(&slot->lock); }

struct dpl_slot *dpl_fd_unbind(int fd) {
    if (dpl_fd_is_local(fd)) return NULL;
    pthread_mutex_lock(&table_lock);
    uint16_t index = __atomic_exchange_n(&dpl_fd_slot_of[fd], 0, __ATOMIC_ACQ_REL);
    struct dpl_slot *slot = index ? &slots[index] : NULL;
    bool last = slot != NULL && --slot->fd_refs == 0;
    pthread_mutex_unlock(&table_lock);
    if (!last) return NULL;
    pthread_mutex_lock(&slot->lock);
    return slot;
}

void dpl_slot_retire(struct dpl_slot *slot) {
    if (slot->kind == DPL_FD_REMOTE_FILE) free(slot->file.readahead);
    pthread_mutex_lock(&table_lock);
    slot->kind = DPL_FD_FREE;
    pthread_mutex_unlock(&table_lock);
    pthread_mutex_unlock(&slot->lock);
}

void dpl_fd_share(int oldfd, int newfd) {
    if (dpl_fd_is_local(oldfd) || (unsigned)newfd >= DPL_FD_TABLE_SIZE) return;
    pthread_mutex_lock(&table_lock);
    uint16_t index = __atomic_load_n(&dpl_fd_slot_of[oldfd], __ATOMIC_ACQUIRE);
    if (index != 0) {
        slots[index].fd_refs++;
        __atomic_store_n(&dpl_fd_slot_of[newfd], index, __ATOMIC_RELEASE);
    }
    pthread_mutex_unlock(&table_lock);
}

void dpl_fd_table_after_fork_child(void) {
    pthread_mutex_init(&table_lock, NULL);
    for (size_t i = 0; i < DPL_SLOT_COUNT; i++) pthread_mutex_init(&slots[i].lock, NULL);
}
