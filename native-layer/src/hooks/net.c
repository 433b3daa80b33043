/* Socket hooks. Outgoing: connect() to an address the config sends to the pod becomes NET_CONNECT; the proxy
 * answers with a loopback stand-in that the app's own socket really connects to, and getpeername/getsockname
 * report the pod-side addresses. Incoming: bind() on a subscribed port binds the app to a free local port (or the
 * listen_ports choice), listen() subscribes the pod port, and accept() asks the proxy which pod client a proxied
 * connection stands for. Unconnected UDP to the pod goes through a stand-in with an address prefix per datagram
 * (hooks/net_udp.c). */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <string.h>

#include "config.h"
#include "dns_names.h"
#include "fd_table.h"
#include "layer.h"
#include "log.h"
#include "net_filter.h"
#include "net_udp.h"
#include "remote.h"

static int socket_protocol(int fd) {
    int type = 0;
    socklen_t len = sizeof type;
    if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) != 0) return 0;
    return type == SOCK_STREAM ? IPPROTO_TCP : type == SOCK_DGRAM ? IPPROTO_UDP : 0;
}

static int socket_family(int fd) {
    int domain = 0;
    socklen_t len = sizeof domain;
    return getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &domain, &len) == 0 ? domain : 0;
}

static void copy_sockaddr(struct dpl_sockaddr *out, const struct sockaddr *addr, socklen_t len) {
    out->len = len > sizeof out->addr ? sizeof out->addr : len;
    memcpy(&out->addr, addr, out->len);
}

/* Writes `from` into an app's (addr, len) pair with getsockname semantics (truncate, report the full length). */
static void report_sockaddr(const struct dpl_sockaddr *from, struct sockaddr *addr, socklen_t *len) {
    if (addr == NULL || len == NULL) return;
    memcpy(addr, &from->addr, *len < from->len ? *len : from->len);
    *len = from->len;
}

/* An IPv4 stand-in address as the app's socket family needs it (v4-mapped for an AF_INET6 socket). */
static struct dpl_sockaddr standin_for_family(const struct dpl_sockaddr *standin, int family) {
    if (family != AF_INET6 || standin->addr.ss_family != AF_INET) return *standin;
    const struct sockaddr_in *v4 = (const struct sockaddr_in *)&standin->addr;
    struct dpl_sockaddr mapped = {.len = sizeof(struct sockaddr_in6)};
    struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&mapped.addr;
    v6->sin6_family = AF_INET6;
    v6->sin6_port = v4->sin_port;
    v6->sin6_addr.s6_addr[10] = v6->sin6_addr.s6_addr[11] = 0xff;
    memcpy(v6->sin6_addr.s6_addr + 12, &v4->sin_addr, 4);
    return mapped;
}

static int net_errno(int negative_errno) { return negative_errno == -ENOTCONN ? ECONNREFUSED : -negative_errno; }

/* connect() to the pod; false: a local connection, do the real call. */
static bool remote_connect(int fd, const struct sockaddr *addr, socklen_t len, int *rc) {
    if (addr == NULL || (addr->sa_family != AF_INET && addr->sa_family != AF_INET6) || !dpl_fd_is_local(fd) ||
        (unsigned)fd >= DPL_FD_TABLE_SIZE)
        return false;
    int protocol = socket_protocol(fd);
    if (protocol == IPPROTO_UDP) return dpl_udp_connect(fd, addr, len, rc);
    if (protocol != IPPROTO_TCP) return false;
    if (!dpl_outgoing_goes_remote(protocol, addr)) return false;
    struct dpl_sockaddr remote;
    copy_sockaddr(&remote, addr, len);
    struct dpl_slot *slot = dpl_slot_alloc(DPL_FD_OUTGOING);
    if (slot == NULL) {
        *rc = -1;
        return true;
    }
    int err = dpl_remote_connect(protocol, &remote, &slot->sock);
    if (err != 0) {
        dpl_slot_release(slot);
        errno = net_errno(err);
        *rc = -1;
        return true;
    }
    struct dpl_sockaddr standin = standin_for_family(&slot->sock.standin, socket_family(fd));
    *rc = dpl_real_connect()(fd, (struct sockaddr *)&standin.addr, standin.len);
    if (*rc == 0 || errno == EINPROGRESS) {
        int saved = errno;
        dpl_fd_bind(fd, slot);
        errno = saved;
    } else {
        int saved = errno;
        dpl_slot_release(slot);
        errno = saved;
    }
    return true;
}

DPL_EXPORT int connect(int fd, const struct sockaddr *addr, socklen_t len) {
    if (!dpl_enter()) return dpl_real_connect()(fd, addr, len);
    int rc;
    if (!remote_connect(fd, addr, len, &rc)) rc = dpl_real_connect()(fd, addr, len);
    DPL_LEAVE_RETURN(rc);
}

/* bind() on a subscribed port: bind locally where listen_ports says (falling back to any free port when that is
 * taken or privileged), and remember what the app asked for. With incoming ignore_localhost, a bind to a loopback
 * address is a local-only listener and is left alone. */
static bool incoming_bind(int fd, const struct sockaddr *addr, socklen_t len, int *rc) {
    struct dpl_incoming_ports ports;
    if (addr == NULL || (addr->sa_family != AF_INET && addr->sa_family != AF_INET6) ||
        (unsigned)fd >= DPL_FD_TABLE_SIZE || !dpl_fd_is_local(fd) || socket_protocol(fd) != IPPROTO_TCP ||
        (dpl_config.incoming_ignore_localhost && dpl_sockaddr_is_loopback(addr)) ||
        !dpl_incoming_ports_for(&dpl_config, dpl_sockaddr_port(addr), &ports))
        return false;
    struct dpl_sockaddr local;
    copy_sockaddr(&local, addr, len);
    dpl_sockaddr_set_port((struct sockaddr *)&local.addr, ports.listen);
    *rc = dpl_real_bind()(fd, (struct sockaddr *)&local.addr, local.len);
    if (*rc != 0 && (errno == EADDRINUSE || errno == EACCES)) {
        dpl_sockaddr_set_port((struct sockaddr *)&local.addr, 0);
        *rc = dpl_real_bind()(fd, (struct sockaddr *)&local.addr, local.len);
    }
    if (*rc != 0) return true;
    struct dpl_slot *slot = dpl_slot_alloc(DPL_FD_LISTENER);
    if (slot == NULL) return true; /* bound locally all the same; incoming stays local */
    copy_sockaddr(&slot->sock.local, addr, len);
    slot->sock.pod_port = ports.remote;
    dpl_fd_bind(fd, slot);
    return true;
}

DPL_EXPORT int bind(int fd, const struct sockaddr *addr, socklen_t len) {
    if (!dpl_enter()) return dpl_real_bind()(fd, addr, len);
    int rc;
    if (!incoming_bind(fd, addr, len, &rc)) rc = dpl_real_bind()(fd, addr, len);
    DPL_LEAVE_RETURN(rc);
}

/* Where the proxy should connect to reach this listener: its real local address, wildcard made loopback. */
static struct dpl_sockaddr app_address(int fd) {
    struct dpl_sockaddr app = {.len = sizeof app.addr};
    if (dpl_real_getsockname()(fd, (struct sockaddr *)&app.addr, &app.len) != 0) app.len = 0;
    if (app.addr.ss_family == AF_INET) {
        struct sockaddr_in *v4 = (struct sockaddr_in *)&app.addr;
        if (v4->sin_addr.s_addr == htonl(INADDR_ANY)) v4->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    } else if (app.addr.ss_family == AF_INET6) {
        struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&app.addr;
        if (IN6_IS_ADDR_UNSPECIFIED(&v6->sin6_addr)) v6->sin6_addr = in6addr_loopback;
    }
    return app;
}

DPL_EXPORT int listen(int fd, int backlog) {
    if (!dpl_enter()) return dpl_real_listen()(fd, backlog);
    int rc = dpl_real_listen()(fd, backlog);
    struct dpl_slot *slot = rc == 0 ? dpl_fd_lock(fd, DPL_FD_LISTENER) : NULL;
    if (slot != NULL) {
        uint16_t port = slot->sock.pod_port;
        if (!slot->sock.subscribed) {
            struct dpl_sockaddr app = app_address(fd);
            int err = dpl_remote_subscribe(port, dpl_config.incoming_mode, &app);
            slot->sock.subscribed = err == 0;
            if (err != 0)
                dpl_log(DPL_LOG_WARN, "incoming: subscribing pod port %u failed (%s); the app listens locally only",
                         port, strerror(err == -ENOTCONN ? ECONNREFUSED : -err));
        }
        dpl_slot_unlock(slot);
    }
    DPL_LEAVE_RETURN(rc);
}

/* A connection accepted on a subscribed listener: if the proxy opened it, it stands for a pod client. */
static void adopt_incoming(int listener, int fd, struct sockaddr *addr, socklen_t *len) {
    struct dpl_slot *listening = dpl_fd_lock(listener, DPL_FD_LISTENER);
    if (listening == NULL) return;
    bool subscribed = listening->sock.subscribed;
    dpl_slot_unlock(listening);
    struct dpl_sockaddr peer = {.len = sizeof peer.addr};
    if (!subscribed || (unsigned)fd >= DPL_FD_TABLE_SIZE ||
        dpl_real_getpeername()(fd, (struct sockaddr *)&peer.addr, &peer.len) != 0 ||
        !dpl_sockaddr_is_loopback((struct sockaddr *)&peer.addr))
        return;
    struct dpl_slot *slot = dpl_slot_alloc(DPL_FD_INCOMING);
    if (slot == NULL) return;
    int err = dpl_remote_peer(&peer, &slot->sock.remote, &slot->sock.local);
    if (err != 0) { /* ENOENT: a genuinely local client */
        dpl_log(DPL_LOG_DEBUG, "accept on fd %d: not a pod connection (%s)", listener, strerror(-err));
        dpl_slot_release(slot);
        return;
    }
    dpl_fd_bind(fd, slot);
    report_sockaddr(&slot->sock.remote, addr, len);
}

DPL_EXPORT int accept(int fd, struct sockaddr *addr, socklen_t *len) {
    if (!dpl_enter()) return dpl_real_accept()(fd, addr, len);
    int rc = dpl_real_accept()(fd, addr, len);
    if (rc >= 0 && !dpl_fd_is_local(fd)) adopt_incoming(fd, rc, addr, len);
    DPL_LEAVE_RETURN(rc);
}

DPL_EXPORT int accept4(int fd, struct sockaddr *addr, socklen_t *len, int flags) {
    if (!dpl_enter()) return dpl_real_accept4()(fd, addr, len, flags);
    int rc = dpl_real_accept4()(fd, addr, len, flags);
    if (rc >= 0 && !dpl_fd_is_local(fd)) adopt_incoming(fd, rc, addr, len);
    DPL_LEAVE_RETURN(rc);
}

/* getpeername/getsockname answer with the addresses the socket stands for. */
static bool reported_address(int fd, bool peer, struct sockaddr *addr, socklen_t *len) {
    struct dpl_slot *slot = dpl_fd_lock(fd, DPL_FD_FREE);
    if (slot == NULL) return false;
    const struct dpl_sockaddr *answer = NULL;
    if (slot->kind == DPL_FD_OUTGOING || slot->kind == DPL_FD_INCOMING) answer = peer ? &slot->sock.remote : &slot->sock.local;
    else if (slot->kind == DPL_FD_LISTENER && !peer) answer = &slot->sock.local;
    else if (slot->kind == DPL_FD_UDP) answer = peer ? &slot->sock.remote : &slot->sock.local;
    if (answer != NULL && answer->len > 0) report_sockaddr(answer, addr, len);
    dpl_slot_unlock(slot);
    return answer != NULL && answer->len > 0;
}

DPL_EXPORT int getpeername(int fd, struct sockaddr *addr, socklen_t *len) {
    if (!dpl_enter()) return dpl_real_getpeername()(fd, addr, len);
    int rc = reported_address(fd, true, addr, len) ? 0 : dpl_real_getpeername()(fd, addr, len);
    DPL_LEAVE_RETURN(rc);
}

DPL_EXPORT int getsockname(int fd, struct sockaddr *addr, socklen_t *len) {
    if (!dpl_enter()) return dpl_real_getsockname()(fd, addr, len);
    int rc = reported_address(fd, false, addr, len) ? 0 : dpl_real_getsockname()(fd, addr, len);
    DPL_LEAVE_RETURN(rc);
}
