/* The UDP side of the socket hooks (hooks/net_udp.c), for the hooks that meet UDP sockets elsewhere: connect()
 * in hooks/net.c and read()/write() in hooks/fs.c. */
#pragma once
#include <stdbool.h>
#include <sys/socket.h>
#include <sys/types.h>

/* connect() of a UDP socket: true if the pod takes it (result in *rc), false for a local connect. */
bool dpl_udp_connect(int fd, const struct sockaddr *addr, socklen_t len, int *rc);

/* send/recv/write/read on a UDP socket connected to the pod: true if handled (result in *rc). */
bool dpl_udp_connected_io(int fd, void *buf, size_t len, int flags, bool sending, ssize_t *rc);
