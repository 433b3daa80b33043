/* DNS requests (PROTOCOL.md §8). Results are built the way glibc builds them (one block per entry holding its
 * sockaddr, canonname allocated apart), so either freeaddrinfo can release them. */
#include <netdb.h>
#include <stdlib.h>
#include <string.h>

#include "proxy_client.h"
#include "remote.h"
#include "wire_addr.h"

static struct dpl_str str_of(const char *s) { return (struct dpl_str){s ? s : "", s ? (uint32_t)strlen(s) : 0}; }

static void free_chain(struct addrinfo *ai) {
    while (ai != NULL) {
        struct addrinfo *next = ai->ai_next;
        free(ai->ai_canonname);
        free(ai);
        ai = next;
    }
}

int dpl_remote_getaddrinfo(const char *host, const char *service, const struct addrinfo *hints,
                           struct addrinfo **result, int *status) {
    struct dpl_message request = {
        .type = DPL_MSG_DNS_GETADDRINFO,
        .body.dns_getaddrinfo = {str_of(host), str_of(service), hints ? (uint32_t)hints->ai_family : 0,
                                 hints ? (uint32_t)hints->ai_socktype : 0, hints ? (uint32_t)hints->ai_protocol : 0,
                                 hints ? (uint32_t)hints->ai_flags : 0}};
    struct dpl_message reply;
    int rc = dpl_proxy_call(&request, DPL_MSG_DNS_ADDRINFO, &reply);
    if (rc != 0) return rc;
    *status = reply.body.dns_addrinfo.status;
    *result = NULL;
    struct addrinfo **tail = result;
    uint32_t cursor = 0;
    union dpl_element element;
    while (*status == 0 && dpl_list_next(&reply.body.dns_addrinfo.entries, &cursor, &element)) {
        struct dpl_sockaddr addr = dpl_sockaddr_from_addr(&element.addrinfo.address);
        struct addrinfo *ai = calloc(1, sizeof *ai + addr.len);
        if (ai == NULL) {
            *status = EAI_MEMORY;
            break;
        }
        ai->ai_family = addr.addr.ss_family;
        ai->ai_socktype = (int)element.addrinfo.socktype;
        ai->ai_protocol = (int)element.addrinfo.protocol;
        ai->ai_addrlen = addr.len;
        ai->ai_addr = (struct sockaddr *)(ai + 1);
        memcpy(ai->ai_addr, &addr.addr, addr.len);
        if (element.addrinfo.canonname.len > 0) ai->ai_canonname = strndup(element.addrinfo.canonname.ptr, element.addrinfo.canonname.len);
        *tail = ai;
        tail = &ai->ai_next;
    }
    dpl_proxy_done();
    if (*status == 0 && *result == NULL) *status = EAI_NONAME;
    if (*status != 0) {
        free_chain(*result);
        *result = NULL;
    }
    return 0;
}

static bool copy_out(struct dpl_str from, char *to, size_t size) {
    if (to == NULL || size == 0) return true;
    if (from.len >= size) return false;
    memcpy(to, from.ptr, from.len);
    to[from.len] = '\0';
    return true;
}

int dpl_remote_getnameinfo(const struct dpl_sockaddr *addr, int flags, char *host, size_t host_len, char *serv,
                           size_t serv_len, int *status) {
    struct dpl_message request = {
        .type = DPL_MSG_DNS_GETNAMEINFO,
        .body.dns_getnameinfo = {dpl_addr_from_sockaddr((const struct sockaddr *)&addr->addr), (uint32_t)flags}};
    struct dpl_message reply;
    int rc = dpl_proxy_call(&request, DPL_MSG_DNS_NAMEINFO, &reply);
    if (rc != 0) return rc;
    *status = reply.body.dns_nameinfo.status;
    if (*status == 0 && (!copy_out(reply.body.dns_nameinfo.host, host, host_len) ||
                         !copy_out(reply.body.dns_nameinfo.service, serv, serv_len)))
        *status = EAI_OVERFLOW;
    dpl_proxy_done();
    return 0;
}
