/* Which of the process's fds stand for something remote, and what.
 *
 * A fixed array indexed by fd holds a slot number (0 = an ordinary local fd). The read path is one relaxed atomic
 * load: no allocation, no lock, no system call, so calls on local fds cost a table lookup. Remote state lives in a
 * fixed pool of slots; each slot has its own mutex, taken only by calls on that remote fd. Slots are never freed
 * to the allocator, only recycled, so a racing lookup can never touch freed memory: after locking a slot the caller
 * re-checks that the fd still maps to it. dup()ed fds share a slot (shared offset, as for kernel file descriptions).
 * fds at or above DPL_FD_TABLE_SIZE are always local; a remote open that lands there is moved below it. */
#pragma once
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#define DPL_FD_TABLE_SIZE 65536
#define DPL_SLOT_COUNT 4096

enum dpl_fd_kind {
    DPL_FD_FREE = 0,
    DPL_FD_REMOTE_FILE, /* placeholder fd for a file (or directory) open in the pod */
    DPL_FD_OUTGOING,    /* app socket connected to a proxy stand-in for a connection made from the pod */
    DPL_FD_UDP,         /* app UDP socket whose datagrams travel through a proxy stand-in */
    DPL_FD_LISTENER,    /* app listener bound to a free local port, subscribed to a pod port */
    DPL_FD_INCOMING,    /* connection accepted from a listener, standing for a pod client */
};

struct dpl_sockaddr {
    struct sockaddr_storage addr;
    socklen_t len;
};

struct dpl_remote_file {
    uint64_t handle;
    int64_t position; /* the layer keeps the offset; reads and writes use explicit offsets */
    int open_flags;
    bool is_directory;
    char *readahead; /* bytes [readahead_offset, readahead_offset + readahead_len) of the file */
    int64_t readahead_offset;
    size_t readahead_len;
};

struct dpl_socket_info {
    uint32_t conn_id;
    struct dpl_sockaddr local;   /* what getsockname reports (pod side / the port the app asked for) */
    struct dpl_sockaddr remote;  /* what getpeername reports */
    struct dpl_sockaddr standin; /* UDP: the proxy's stand-in datagrams go through */
    uint16_t pod_port;           /* LISTENER: the pod port to subscribe at listen() */
    bool subscribed;             /* LISTENER: IN_SUBSCRIBE succeeded (IN_UNSUBSCRIBE at the last close) */
};

struct dpl_slot {
    pthread_mutex_t lock;
    unsigned fd_refs; /* fds pointing here; changed under the table lock */
    enum dpl_fd_kind kind;
    union {
        struct dpl_remote_file file;
        struct dpl_socket_info sock;
    };
};

extern uint16_t dpl_fd_slot_of[DPL_FD_TABLE_SIZE];

/* The fast path: true for every fd the layer does not track. */
static inline bool dpl_fd_is_local(int fd) {
    return (unsigned)fd >= DPL_FD_TABLE_SIZE || __atomic_load_n(&dpl_fd_slot_of[fd], __ATOMIC_ACQUIRE) == 0;
}

/* A fresh, zeroed slot of `kind`, or NULL (errno ENFILE) when the pool is exhausted. Not yet bound to any fd. */
struct dpl_slot *dpl_slot_alloc(enum dpl_fd_kind kind);
/* Returns an unbound slot to the pool (after a failed set-up). */
void dpl_slot_release(struct dpl_slot *slot);

/* Makes `fd` refer to `slot`. */
void dpl_fd_bind(int fd, struct dpl_slot *slot);

/* The slot behind `fd`, locked, if it is of `kind` (DPL_FD_FREE: any kind); NULL otherwise. */
struct dpl_slot *dpl_fd_lock(int fd, enum dpl_fd_kind kind);
void dpl_slot_unlock(struct dpl_slot *slot);

/* Forgets `fd`. When it was the slot's last fd, returns the slot locked so the caller can release the remote
 * resource, then must call dpl_slot_retire(); otherwise returns NULL. */
struct dpl_slot *dpl_fd_unbind(int fd);
/* Frees the per-slot memory and returns a locked, unbound slot to the pool. */
void dpl_slot_retire(struct dpl_slot *slot);

/* newfd now refers to whatever oldfd refers to (dup/dup2/dup3/F_DUPFD). newfd must already be unbound. */
void dpl_fd_share(int oldfd, int newfd);
