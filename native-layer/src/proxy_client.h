/* The process's connection to the session proxy (PROTOCOL.md, layer hop): one unix stream socket, one request at
 * a time under one mutex, replies matched by request id. The socket is the layer's own fd: CLOEXEC, kept out of
 * the app's close/close_range/dup2 (see hooks/fd.c), and replaced in a forked child, which connects again (lazily,
 * on its first remote call) and introduces itself with its own HELLO. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "log.h"
#include "proto/proto.h"

/* Connects, says HELLO and returns 0, or a negative errno; used at start-up and lazily after fork. */
int dpl_proxy_connect(const char *socket_path);

/* Sends `request` (its request id is assigned here) and waits for the reply of type `reply_type`.
 * On success returns 0 with the connection still locked and *reply decoded (its str/bytes/list fields point into
 * the connection's buffer): read it, then call dpl_proxy_done(). An ERROR reply returns its errno negated; a
 * missing or broken proxy returns -ENOTCONN; a request the codec refuses returns -EINVAL. These unlock. */
int dpl_proxy_call(struct dpl_message *request, uint16_t reply_type, struct dpl_message *reply);
void dpl_proxy_done(void);

/* Sends a LOG event (PROTOCOL.md §5) unless the connection is busy or gone; true if it was sent. */
bool dpl_proxy_log(enum dpl_log_level level, const char *text);

/* The layer's own fd, or -1. */
int dpl_proxy_fd(void);
/* The app wants `fd` (dup2/dup3 target, close): if it is the proxy socket, move the socket elsewhere first.
 * Returns true if fd was ours (and has been moved). */
bool dpl_proxy_vacate_fd(int fd);
/* Closes the connection (skip_processes) and marks the proxy gone. */
void dpl_proxy_disconnect(void);
