#include "wire_addr.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>

struct dpl_addr dpl_addr_from_sockaddr(const struct sockaddr *addr) {
    struct dpl_addr out = {0};
    if (addr->sa_family == AF_INET) {
        const struct sockaddr_in *v4 = (const struct sockaddr_in *)addr;
        out.family = 4;
        memcpy(out.ip, &v4->sin_addr, 4);
        out.port = ntohs(v4->sin_port);
    } else if (addr->sa_family == AF_INET6) {
        const struct sockaddr_in6 *v6 = (const struct sockaddr_in6 *)addr;
        out.family = 6;
        memcpy(out.ip, &v6->sin6_addr, 16);
        out.port = ntohs(v6->sin6_port);
    }
    return out;
}

struct dpl_sockaddr dpl_sockaddr_from_addr(const struct dpl_addr *addr) {
    struct dpl_sockaddr out = {0};
    if (addr->family == 4) {
        struct sockaddr_in *v4 = (struct sockaddr_in *)&out.addr;
        v4->sin_family = AF_INET;
        memcpy(&v4->sin_addr, addr->ip, 4);
        v4->sin_port = htons(addr->port);
        out.len = sizeof *v4;
    } else if (addr->family == 6) {
        struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&out.addr;
        v6->sin6_family = AF_INET6;
        memcpy(&v6->sin6_addr, addr->ip, 16);
        v6->sin6_port = htons(addr->port);
        out.len = sizeof *v6;
    }
    return out;
}

size_t dpl_wire_addr_encode(const struct sockaddr *addr, uint8_t out[DPL_WIRE_ADDR_MAX]) {
    struct dpl_addr a = dpl_addr_from_sockaddr(addr);
    size_t ip_len = a.family == 4 ? 4 : a.family == 6 ? 16 : 0;
    out[0] = a.family;
    memcpy(out + 1, a.ip, ip_len);
    out[1 + ip_len] = (uint8_t)(a.port >> 8);
    out[2 + ip_len] = (uint8_t)a.port;
    return 3 + ip_len;
}

size_t dpl_wire_addr_decode(const uint8_t *in, size_t len, struct dpl_sockaddr *out) {
    if (len < 1) return 0;
    size_t ip_len = in[0] == 4 ? 4 : in[0] == 6 ? 16 : in[0] == 0 ? 0 : SIZE_MAX;
    if (ip_len == SIZE_MAX || len < 3 + ip_len) return 0;
    struct dpl_addr a = {.family = in[0], .port = (uint16_t)(in[1 + ip_len] << 8 | in[2 + ip_len])};
    memcpy(a.ip, in + 1, ip_len);
    *out = dpl_sockaddr_from_addr(&a);
    return 3 + ip_len;
}
