/* UDP to the pod. The first sendto() of an unconnected UDP socket to an address the outgoing config sends to the
 * pod opens a pod-side UDP socket (NET_UDP_BIND); connect() of a UDP socket to such an address opens a connected
 * one (NET_CONNECT, protocol 17) and really connects the app's socket to the stand-in. Either way the loopback
 * stand-in carries every datagram, each prefixed with an encoded address (PROTOCOL.md §9): the destination on the
 * way out (family 0, "the connected peer", for a connected socket), the source on the way back. The receive calls
 * (recvfrom/recvmsg/recv, and read on a connected socket) strip the prefix and report the pod-side source.
 * Datagrams to local addresses and from anywhere but the stand-in pass untouched. */
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "dns_names.h"
#include "fd_table.h"
#include "layer.h"
#include "net_filter.h"
#include "remote.h"
#include "net_udp.h"
#include "wire_addr.h"

#define MAX_DATAGRAM 65536

static bool is_udp(int fd) {
    int type = 0;
    socklen_t len = sizeof type;
    return getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) == 0 && type == SOCK_DGRAM;
}

/* The UDP slot of fd, creating it (NET_UDP_BIND) if the datagram to `dest` is for the pod. Returned locked. */
static struct dpl_slot *udp_slot_for(int fd, const struct sockaddr *dest, int *err) {
    *err = 0;
    struct dpl_slot *slot = dpl_fd_lock(fd, DPL_FD_UDP);
    if (slot != NULL) return slot;
    if (dest == NULL || (unsigned)fd >= DPL_FD_TABLE_SIZE || !dpl_fd_is_local(fd) || !is_udp(fd) ||
        !dpl_outgoing_goes_remote(IPPROTO_UDP, dest))
        return NULL;
    slot = dpl_slot_alloc(DPL_FD_UDP);
    if (slot == NULL) return NULL;
    struct dpl_sockaddr any = {.len = sizeof(struct sockaddr_in)};
    any.addr.ss_family = dest->sa_family == AF_INET6 ? AF_INET6 : AF_INET;
    if (any.addr.ss_family == AF_INET6) any.len = sizeof(struct sockaddr_in6);
    *err = dpl_remote_udp_bind(&any, &slot->sock);
    if (*err != 0) {
        dpl_slot_release(slot);
        return NULL;
    }
    dpl_fd_bind(fd, slot);
    return dpl_fd_lock(fd, DPL_FD_UDP);
}

/* Sends one datagram of `len` bytes gathered from iov to `dest` through the stand-in. */
static ssize_t send_prefixed(int fd, struct dpl_slot *slot, const struct iovec *iov, size_t iovcnt,
                             const struct sockaddr *dest, int flags) {
    uint8_t *datagram = malloc(DPL_WIRE_ADDR_MAX + MAX_DATAGRAM);
    if (datagram == NULL) {
        errno = ENOMEM;
        return -1;
    }
    static const struct sockaddr no_address = {.sa_family = AF_UNSPEC};
    size_t used = dpl_wire_addr_encode(dest ? dest : &no_address, datagram);
    size_t payload = 0;
    for (size_t i = 0; i < iovcnt; i++) {
        if (payload + iov[i].iov_len > MAX_DATAGRAM) {
            free(datagram);
            errno = EMSGSIZE;
            return -1;
        }
        memcpy(datagram + used + payload, iov[i].iov_base, iov[i].iov_len);
        payload += iov[i].iov_len;
    }
    ssize_t n = dpl_real_sendto()(fd, datagram, used + payload, flags, (struct sockaddr *)&slot->sock.standin.addr,
                                  slot->sock.standin.len);
    int saved = errno;
    free(datagram);
    errno = saved;
    return n < 0 ? n : (ssize_t)payload;
}

/* Receives one datagram; if it came from the stand-in, strips the prefix and reports the pod-side source. */
static ssize_t receive_prefixed(int fd, const struct dpl_socket_info *sock, const struct iovec *iov, size_t iovcnt, int flags,
                                struct sockaddr *src, socklen_t *src_len, int *msg_flags) {
    uint8_t *datagram = malloc(DPL_WIRE_ADDR_MAX + MAX_DATAGRAM);
    if (datagram == NULL) {
        errno = ENOMEM;
        return -1;
    }
    struct dpl_sockaddr from = {.len = sizeof from.addr};
    ssize_t n = dpl_real_recvfrom()(fd, datagram, DPL_WIRE_ADDR_MAX + MAX_DATAGRAM, flags & ~MSG_TRUNC,
                                    (struct sockaddr *)&from.addr, &from.len);
    if (n < 0) {
        int saved = errno;
        free(datagram);
        errno = saved;
        return n;
    }
    size_t offset = 0;
    struct dpl_sockaddr peer = from;
    bool via_standin = from.len == sock->standin.len && memcmp(&from.addr, &sock->standin.addr, from.len) == 0;
    if (via_standin) {
        size_t used = dpl_wire_addr_decode(datagram, (size_t)n, &peer);
        if (used == 0) { /* a malformed prefix from our own proxy: drop it like a corrupt datagram */
            free(datagram);
            errno = EAGAIN;
            return -1;
        }
        offset = used;
    }
    size_t payload = (size_t)n - offset, copied = 0;
    for (size_t i = 0; i < iovcnt && copied < payload; i++) {
        size_t chunk = payload - copied < iov[i].iov_len ? payload - copied : iov[i].iov_len;
        memcpy(iov[i].iov_base, datagram + offset + copied, chunk);
        copied += chunk;
    }
    if (msg_flags != NULL && copied < payload) *msg_flags |= MSG_TRUNC;
    free(datagram);
    if (src != NULL && src_len != NULL) {
        memcpy(src, &peer.addr, *src_len < peer.len ? *src_len : peer.len);
        *src_len = peer.len;
    }
    return (flags & MSG_TRUNC) ? (ssize_t)payload : (ssize_t)copied;
}

static int udp_errno(int err) { return err == -ENOTCONN ? ENETDOWN : -err; }

DPL_EXPORT ssize_t sendto(int fd, const void *buf, size_t len, int flags, const struct sockaddr *addr,
                          socklen_t alen) {
    if (!dpl_enter()) return dpl_real_sendto()(fd, buf, len, flags, addr, alen);
    int err = 0;
    struct dpl_slot *slot = addr != NULL ? udp_slot_for(fd, addr, &err) : dpl_fd_lock(fd, DPL_FD_UDP);
    ssize_t rc;
    if (slot != NULL && slot->sock.remote.len > 0) { /* connected to the pod: the peer is implied (family 0) */
        struct iovec iov = {(void *)buf, len};
        rc = send_prefixed(fd, slot, &iov, 1, NULL, flags);
    } else if (slot != NULL && addr != NULL && dpl_outgoing_goes_remote(IPPROTO_UDP, addr)) {
        struct iovec iov = {(void *)buf, len};
        rc = send_prefixed(fd, slot, &iov, 1, addr, flags);
    } else if (addr != NULL && slot == NULL && err != 0) {
        errno = udp_errno(err);
        rc = -1;
    } else {
        rc = dpl_real_sendto()(fd, buf, len, flags, addr, alen);
    }
    if (slot != NULL) dpl_slot_unlock(slot);
    DPL_LEAVE_RETURN(rc);
}

DPL_EXPORT ssize_t sendmsg(int fd, const struct msghdr *msg, int flags) {
    if (!dpl_enter()) return dpl_real_sendmsg()(fd, msg, flags);
    const struct sockaddr *addr = msg->msg_name;
    int err = 0;
    struct dpl_slot *slot = addr != NULL ? udp_slot_for(fd, addr, &err) : dpl_fd_lock(fd, DPL_FD_UDP);
    ssize_t rc;
    if (slot != NULL && slot->sock.remote.len > 0) { /* connected to the pod: the peer is implied (family 0) */
        rc = send_prefixed(fd, slot, msg->msg_iov, msg->msg_iovlen, NULL, flags);
    } else if (slot != NULL && addr != NULL && dpl_outgoing_goes_remote(IPPROTO_UDP, addr)) {
        rc = send_prefixed(fd, slot, msg->msg_iov, msg->msg_iovlen, addr, flags);
    } else if (addr != NULL && slot == NULL && err != 0) {
        errno = udp_errno(err);
        rc = -1;
    } else {
        rc = dpl_real_sendmsg()(fd, msg, flags);
    }
    if (slot != NULL) dpl_slot_unlock(slot);
    DPL_LEAVE_RETURN(rc);
}

/* The UDP socket info of fd, copied so a blocking receive does not hold the slot lock (sendto may need it). */
static bool udp_info(int fd, struct dpl_socket_info *info) {
    struct dpl_slot *slot = dpl_fd_lock(fd, DPL_FD_UDP);
    if (slot == NULL) return false;
    *info = slot->sock;
    dpl_slot_unlock(slot);
    return true;
}

DPL_EXPORT ssize_t recvfrom(int fd, void *buf, size_t len, int flags, struct sockaddr *addr, socklen_t *alen) {
    if (!dpl_enter()) return dpl_real_recvfrom()(fd, buf, len, flags, addr, alen);
    struct dpl_socket_info info;
    ssize_t rc;
    if (!udp_info(fd, &info)) rc = dpl_real_recvfrom()(fd, buf, len, flags, addr, alen);
    else {
        struct iovec iov = {buf, len};
        rc = receive_prefixed(fd, &info, &iov, 1, flags, addr, alen, NULL);
    }
    DPL_LEAVE_RETURN(rc);
}

DPL_EXPORT ssize_t recvmsg(int fd, struct msghdr *msg, int flags) {
    if (!dpl_enter()) return dpl_real_recvmsg()(fd, msg, flags);
    struct dpl_socket_info info;
    ssize_t rc;
    if (!udp_info(fd, &info)) rc = dpl_real_recvmsg()(fd, msg, flags);
    else {
        msg->msg_flags = 0;
        msg->msg_controllen = 0; /* ancillary data does not cross the stand-in */
        socklen_t name_len = msg->msg_namelen;
        rc = receive_prefixed(fd, &info, msg->msg_iov, msg->msg_iovlen, flags, msg->msg_name,
                              msg->msg_name ? &name_len : NULL, &msg->msg_flags);
        if (msg->msg_name != NULL) msg->msg_namelen = name_len;
    }
    DPL_LEAVE_RETURN(rc);
}

DPL_EXPORT ssize_t send(int fd, const void *buf, size_t len, int flags) {
    if (!dpl_enter()) return dpl_real_send()(fd, buf, len, flags);
    ssize_t rc;
    if (!dpl_udp_connected_io(fd, (void *)buf, len, flags, true, &rc)) rc = dpl_real_send()(fd, buf, len, flags);
    DPL_LEAVE_RETURN(rc);
}

DPL_EXPORT ssize_t recv(int fd, void *buf, size_t len, int flags) {
    if (!dpl_enter()) return dpl_real_recv()(fd, buf, len, flags);
    ssize_t rc;
    if (!dpl_udp_connected_io(fd, buf, len, flags, false, &rc)) rc = dpl_real_recv()(fd, buf, len, flags);
    DPL_LEAVE_RETURN(rc);
}

bool dpl_udp_connected_io(int fd, void *buf, size_t len, int flags, bool sending, ssize_t *rc) {
    if (dpl_fd_is_local(fd)) return false;
    struct dpl_slot *slot = dpl_fd_lock(fd, DPL_FD_UDP);
    if (slot == NULL) return false;
    if (slot->sock.remote.len == 0) { /* not connected: plain send/recv on it means what the kernel says */
        dpl_slot_unlock(slot);
        return false;
    }
    struct iovec iov = {buf, len};
    if (sending) {
        *rc = send_prefixed(fd, slot, &iov, 1, NULL, flags);
        dpl_slot_unlock(slot);
    } else {
        struct dpl_socket_info info = slot->sock;
        dpl_slot_unlock(slot);
        *rc = receive_prefixed(fd, &info, &iov, 1, flags, NULL, NULL, NULL);
    }
    return true;
}

bool dpl_udp_connect(int fd, const struct sockaddr *addr, socklen_t len, int *rc) {
    if (!dpl_outgoing_goes_remote(IPPROTO_UDP, addr)) return false;
    struct dpl_slot *slot = dpl_slot_alloc(DPL_FD_UDP);
    if (slot == NULL) {
        *rc = -1;
        return true;
    }
    struct dpl_sockaddr remote = {.len = len < sizeof remote.addr ? len : sizeof remote.addr};
    memcpy(&remote.addr, addr, remote.len);
    int err = dpl_remote_connect(IPPROTO_UDP, &remote, &slot->sock);
    if (err == 0) {
        /* The stand-in is the only peer the kernel should accept datagrams from. */
        *rc = dpl_real_connect()(fd, (struct sockaddr *)&slot->sock.standin.addr, slot->sock.standin.len);
        err = *rc == 0 ? 0 : -errno;
    }
    if (err != 0) {
        dpl_slot_release(slot);
        errno = udp_errno(err);
        *rc = -1;
        return true;
    }
    if (slot->sock.remote.len == 0) slot->sock.remote = remote;
    dpl_fd_bind(fd, slot);
    return true;
}
