#include "proxy_client.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "after_fork.h"
#include "io_full.h"
#include "log.h"
#include "real.h"
#include "session.h"

static pthread_mutex_t call_lock = PTHREAD_MUTEX_INITIALIZER;
static int proxy_fd = -1;
static bool proxy_gone;           /* connect failed or the stream broke: fail fast from now on */
static bool reconnect_after_fork; /* a forked child connects again on its first call */
static char proxy_path[sizeof(((struct sockaddr_un *)0)->sun_path)];
static uint32_t last_request_id;
static uint8_t *send_buffer; /* DPL_MAX_FRAME each, allocated at the first connect */
static uint8_t *reply_buffer;
static bool warned_gone;

/* Keeps the socket away from the low fd numbers apps and shells address explicitly (0-255 and so on). */
static int move_high(int fd) {
    struct rlimit limit;
    if (getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur < 1024) return fd;
    int moved = dpl_real_fcntl()(fd, F_DUPFD_CLOEXEC, (int)(limit.rlim_cur / 2));
    if (moved < 0) return fd;
    dpl_real_close()(fd);
    return moved;
}

static void mark_gone(const char *what, int err) {
    if (proxy_fd >= 0) dpl_real_close()(proxy_fd);
    __atomic_store_n(&proxy_fd, -1, __ATOMIC_RELEASE);
    proxy_gone = true;
    dpl_log_once(&warned_gone, DPL_LOG_WARN,
                 "session proxy at %s: %s (%s); remote files, network and DNS now fail with errors, local work "
                 "continues. Is `doppel exec` still running?",
                 proxy_path, what, err ? strerror(err) : "connection closed");
}

static uint32_t next_request_id(void) {
    if (++last_request_id == 0) last_request_id = 1;
    return last_request_id;
}

/* Encodes and sends one frame; false (proxy marked gone, or errno EINVAL for an unencodable request). */
static int send_frame(struct dpl_message *frame) {
    long size = dpl_message_encode(frame, send_buffer, DPL_MAX_FRAME);
    if (size < 0) {
        dpl_log(DPL_LOG_ERROR, "cannot encode %s: %s", dpl_type_name(frame->type), dpl_status_name((int)size));
        return -EINVAL;
    }
    if (!dpl_write_full(proxy_fd, send_buffer, (size_t)size)) {
        mark_gone("a request could not be sent", errno);
        return -ENOTCONN;
    }
    return 0;
}

/* Reads and decodes the reply to request `id`. */
static int receive_frame(uint32_t id, struct dpl_message *frame) {
    struct dpl_header header;
    if (!dpl_read_full(proxy_fd, reply_buffer, DPL_HEADER_SIZE)) {
        mark_gone("the connection ended", errno);
        return -ENOTCONN;
    }
    int status = dpl_header_decode(reply_buffer, DPL_HEADER_SIZE, &header);
    if (status != DPL_OK || header.request_id != id) {
        mark_gone(status != DPL_OK ? dpl_status_name(status) : "a reply to another request arrived", EPROTO);
        return -ENOTCONN;
    }
    size_t payload = header.length - DPL_LENGTH_OVERHEAD;
    if (!dpl_read_full(proxy_fd, reply_buffer + DPL_HEADER_SIZE, payload)) {
        mark_gone("the connection ended inside a frame", errno);
        return -ENOTCONN;
    }
    status = dpl_message_decode(reply_buffer, DPL_HEADER_SIZE + payload, frame);
    if (status != DPL_OK) {
        mark_gone(dpl_status_name(status), EPROTO);
        return -ENOTCONN;
    }
    return 0;
}

/* One request/reply under call_lock; on success the lock stays held for the caller to read the reply. */
static int exchange_locked(struct dpl_message *request, uint16_t reply_type, struct dpl_message *reply) {
    if (proxy_gone || proxy_fd < 0) return -ENOTCONN;
    request->request_id = next_request_id();
    int rc = send_frame(request);
    if (rc == 0) rc = receive_frame(request->request_id, reply);
    if (rc == 0 && reply->type != reply_type) {
        if (reply->type == DPL_MSG_ERROR) {
            uint32_t err = reply->body.error.errnum;
            rc = err > 0 && err < 4096 ? -(int)err : -EIO;
        } else {
            dpl_log(DPL_LOG_ERROR, "the proxy answered %s with %s", dpl_type_name(request->type),
                    dpl_type_name(reply->type));
            rc = -EIO;
        }
    }
    return rc;
}

/* Under call_lock. */
static int connect_locked(void) {
    if (send_buffer == NULL) send_buffer = malloc(DPL_MAX_FRAME);
    if (reply_buffer == NULL) reply_buffer = malloc(DPL_MAX_FRAME);
    if (send_buffer == NULL || reply_buffer == NULL) {
        mark_gone("no memory for the connection's buffers", ENOMEM);
        return -ENOTCONN;
    }
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        mark_gone("cannot create a socket", errno);
        return -ENOTCONN;
    }
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    memcpy(addr.sun_path, proxy_path, sizeof addr.sun_path);
    int rc;
    do rc = dpl_real_connect()(fd, (struct sockaddr *)&addr, sizeof addr);
    while (rc < 0 && errno == EINTR);
    if (rc < 0) {
        int err = errno;
        dpl_real_close()(fd);
        mark_gone("cannot connect", err);
        return -ENOTCONN;
    }
    proxy_gone = false;
    __atomic_store_n(&proxy_fd, move_high(fd), __ATOMIC_RELEASE);
    struct dpl_message hello = {.type = DPL_MSG_HELLO};
    dpl_session_fill_hello(&hello.body.hello);
    struct dpl_message reply;
    rc = exchange_locked(&hello, DPL_MSG_HELLO_OK, &reply);
    if (rc != 0) {
        mark_gone(rc == -EACCES ? "refused the session token (DOPPEL_SESSION_TOKEN)" : "refused HELLO", -rc);
        return -ENOTCONN;
    }
    return 0;
}

static void before_fork(void) { pthread_mutex_lock(&call_lock); }
static void after_fork_parent(void) { pthread_mutex_unlock(&call_lock); }
static void after_fork_child(void) {
    pthread_mutex_init(&call_lock, NULL);
    dpl_after_fork_child();
    /* The inherited socket carries the parent's conversation: close our copy, never write on it. */
    if (proxy_fd >= 0) {
        dpl_real_close()(proxy_fd);
        proxy_fd = -1;
        reconnect_after_fork = !proxy_gone;
    }
}

int dpl_proxy_connect(const char *socket_path) {
    if (strlen(socket_path) >= sizeof proxy_path) {
        proxy_gone = true;
        dpl_log(DPL_LOG_ERROR, "DOPPEL_PROXY_SOCKET is longer than a unix socket path may be (%zu bytes): %s",
                sizeof proxy_path - 1, socket_path);
        return -ENAMETOOLONG;
    }
    strcpy(proxy_path, socket_path);
    pthread_atfork(before_fork, after_fork_parent, after_fork_child);
    pthread_mutex_lock(&call_lock);
    int rc = connect_locked();
    pthread_mutex_unlock(&call_lock);
    return rc;
}

int dpl_proxy_call(struct dpl_message *request, uint16_t reply_type, struct dpl_message *reply) {
    pthread_mutex_lock(&call_lock);
    int rc = 0;
    if (reconnect_after_fork) {
        reconnect_after_fork = false;
        rc = connect_locked();
    }
    if (rc == 0) rc = exchange_locked(request, reply_type, reply);
    if (rc != 0) pthread_mutex_unlock(&call_lock);
    return rc;
}

void dpl_proxy_done(void) { pthread_mutex_unlock(&call_lock); }

bool dpl_proxy_log(enum dpl_log_level level, const char *text) {
    /* trylock: a line logged while this thread (or another) holds the connection must not wait for it. */
    if (pthread_mutex_trylock(&call_lock) != 0) return false;
    bool sent = false;
    if (!proxy_gone && proxy_fd >= 0) {
        struct dpl_message event = {
            .type = DPL_MSG_LOG,
            .request_id = 0,
            .body.log = {(uint8_t)(level + 1), {text, (uint32_t)strlen(text)}},
        };
        long size = dpl_message_encode(&event, send_buffer, DPL_MAX_FRAME); /* fails on text that is not UTF-8 */
        sent = size > 0 && dpl_write_full(proxy_fd, send_buffer, (size_t)size);
    }
    pthread_mutex_unlock(&call_lock);
    return sent;
}

int dpl_proxy_fd(void) { return __atomic_load_n(&proxy_fd, __ATOMIC_ACQUIRE); }

bool dpl_proxy_vacate_fd(int fd) {
    if (fd < 0 || fd != dpl_proxy_fd()) return false;
    pthread_mutex_lock(&call_lock);
    bool ours = fd == proxy_fd;
    if (ours) {
        /* The copy goes elsewhere; the original number stays open for the app's dup2/dup3 to replace. */
        int moved = dpl_real_fcntl()(fd, F_DUPFD_CLOEXEC, fd + 1);
        if (moved >= 0) __atomic_store_n(&proxy_fd, moved, __ATOMIC_RELEASE);
        else mark_gone("its socket had to make room for the app's fd and could not be moved", errno);
    }
    pthread_mutex_unlock(&call_lock);
    return ours;
}

void dpl_proxy_disconnect(void) {
    pthread_mutex_lock(&call_lock);
    if (proxy_fd >= 0) dpl_real_close()(proxy_fd);
    proxy_fd = -1;
    proxy_gone = true;
    warned_gone = true;
    pthread_mutex_unlock(&call_lock);
}
