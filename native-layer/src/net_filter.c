#include "net_filter.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>
#include <strings.h>

bool dpl_sockaddr_is_loopback(const struct sockaddr *addr) {
    if (addr->sa_family == AF_INET) {
        return (ntohl(((const struct sockaddr_in *)addr)->sin_addr.s_addr) >> 24) == 127;
    }
    if (addr->sa_family == AF_INET6) {
        const struct in6_addr *a6 = &((const struct sockaddr_in6 *)addr)->sin6_addr;
        return IN6_IS_ADDR_LOOPBACK(a6) || (IN6_IS_ADDR_V4MAPPED(a6) && a6->s6_addr[12] == 127);
    }
    return false;
}

uint16_t dpl_sockaddr_port(const struct sockaddr *addr) {
    if (addr->sa_family == AF_INET) return ntohs(((const struct sockaddr_in *)addr)->sin_port);
    if (addr->sa_family == AF_INET6) return ntohs(((const struct sockaddr_in6 *)addr)->sin6_port);
    return 0;
}

void dpl_sockaddr_set_port(struct sockaddr *addr, uint16_t port) {
    if (addr->sa_family == AF_INET) ((struct sockaddr_in *)addr)->sin_port = htons(port);
    else if (addr->sa_family == AF_INET6) ((struct sockaddr_in6 *)addr)->sin6_port = htons(port);
}

/* The address bytes as the filter stores them: 4 bytes for IPv4 (also for v4-mapped IPv6), 16 for IPv6. */
static int address_bytes(const struct sockaddr *addr, uint8_t out[16]) {
    if (addr->sa_family == AF_INET) {
        memcpy(out, &((const struct sockaddr_in *)addr)->sin_addr, 4);
        return 4;
    }
    const struct in6_addr *a6 = &((const struct sockaddr_in6 *)addr)->sin6_addr;
    if (IN6_IS_ADDR_V4MAPPED(a6)) {
        memcpy(out, a6->s6_addr + 12, 4);
        return 4;
    }
    memcpy(out, a6->s6_addr, 16);
    return 6;
}

static bool prefix_matches(const uint8_t *a, const uint8_t *b, unsigned bits) {
    unsigned whole = bits / 8, rest = bits % 8;
    if (memcmp(a, b, whole) != 0) return false;
    if (rest == 0) return true;
    uint8_t mask = (uint8_t)(0xff << (8 - rest));
    return (a[whole] & mask) == (b[whole] & mask);
}

static bool filter_matches(const struct dpl_net_filter *f, int protocol, const struct sockaddr *addr,
                           const char *name) {
    if (f->protocol != 0 && f->protocol != protocol) return false;
    if (f->port != 0 && f->port != dpl_sockaddr_port(addr)) return false;
    if (f->name != NULL) return name != NULL && strcasecmp(f->name, name) == 0;
    if (f->family == 0) return true;
    uint8_t bytes[16];
    int family = address_bytes(addr, bytes);
    return family == f->family && prefix_matches(bytes, f->address, f->prefix_len);
}

static bool list_matches(const struct dpl_filter_list *list, int protocol, const struct sockaddr *addr,
                         const char *name) {
    for (size_t i = 0; i < list->count; i++) {
        if (filter_matches(&list->items[i], protocol, addr, name)) return true;
    }
    return false;
}

bool dpl_outgoing_is_remote(const struct dpl_config *config, int protocol, const struct sockaddr *addr,
                            const char *name) {
    if (addr->sa_family != AF_INET && addr->sa_family != AF_INET6) return false;
    if (protocol == 6 && !config->outgoing_tcp) return false;
    if (protocol == 17 && !config->outgoing_udp) return false;
    if (config->ignore_localhost && dpl_sockaddr_is_loopback(addr)) return false;
    switch (config->outgoing.mode) {
    case DPL_FILTER_REMOTE: return list_matches(&config->outgoing, protocol, addr, name);
    case DPL_FILTER_LOCAL: return !list_matches(&config->outgoing, protocol, addr, name);
    default: return true;
    }
}

bool dpl_dns_is_remote(const struct dpl_config *config, const char *host) {
    if (!config->dns_enabled || host == NULL || strcasecmp(host, "localhost") == 0) return false;
    bool listed = false;
    for (size_t i = 0; i < config->dns.count && !listed; i++) {
        const struct dpl_net_filter *f = &config->dns.items[i];
        listed = f->name != NULL ? strcasecmp(f->name, host) == 0 : f->family == 0;
    }
    switch (config->dns.mode) {
    case DPL_FILTER_REMOTE: return listed;
    case DPL_FILTER_LOCAL: return !listed;
    default: return true;
    }
}

static bool port_listed(const struct dpl_port_list *list, uint16_t port) {
    for (size_t i = 0; i < list->count; i++) {
        if (list->ports[i] == port) return true;
    }
    return false;
}

bool dpl_incoming_ports_for(const struct dpl_config *config, uint16_t port, struct dpl_incoming_ports *out) {
    /* ignore_ports names the ports the app listens on here; ports names pod ports (after port_mapping). */
    if (config->incoming_mode == DPL_INCOMING_OFF || port == 0 || port_listed(&config->incoming_ignore_ports, port))
        return false;
    uint16_t remote = port;
    for (size_t i = 0; i < config->port_mapping.count; i++) {
        if (config->port_mapping.pairs[i].local == port) remote = config->port_mapping.pairs[i].remote;
    }
    if (config->incoming_ports.count > 0 && !port_listed(&config->incoming_ports, remote)) return false;
    uint16_t listen = port;
    for (size_t i = 0; i < config->listen_ports.count; i++) {
        if (config->listen_ports.pairs[i].remote == remote) listen = config->listen_ports.pairs[i].local;
    }
    out->remote = remote;
    out->listen = listen;
    return true;
}
