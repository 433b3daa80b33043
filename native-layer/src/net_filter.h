/* Remote-or-local decisions for sockets and name lookups, from LAYER_CONFIG (outgoing filter, DNS filter,
 * ignore_localhost, incoming ports and port mappings). Pure functions of the config: no system calls. */
#pragma once
#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include "config.h"

/* protocol: 6 TCP, 17 UDP. `name` is the host name the address came from (dns.c remembers them), or NULL. */
bool dpl_outgoing_is_remote(const struct dpl_config *config, int protocol, const struct sockaddr *addr,
                            const char *name);

/* Whether getaddrinfo(host) goes to the pod. */
bool dpl_dns_is_remote(const struct dpl_config *config, const char *host);

struct dpl_incoming_ports {
    uint16_t remote; /* pod port to subscribe */
    uint16_t listen; /* local port to really bind */
};
/* For a bind to local port `port`: false if the port is not subscribed (off, ignored, not listed, port 0). */
bool dpl_incoming_ports_for(const struct dpl_config *config, uint16_t port, struct dpl_incoming_ports *out);

bool dpl_sockaddr_is_loopback(const struct sockaddr *addr);
uint16_t dpl_sockaddr_port(const struct sockaddr *addr);
void dpl_sockaddr_set_port(struct sockaddr *addr, uint16_t port);
