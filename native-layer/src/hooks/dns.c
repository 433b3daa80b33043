/* Name resolution hooks. A host name the DNS config sends to the pod is resolved by the agent with the pod's
 * resolv.conf; numeric hosts, "localhost" and NULL hosts stay local. Results the layer builds are recorded in a
 * registry so freeaddrinfo knows them from libc's; with none outstanding it costs one atomic load. */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <pthread.h>

#include "after_fork.h"
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "dns_names.h"
#include "layer.h"
#include "net_filter.h"
#include "remote.h"

#define MAX_RESULTS 1024

static struct addrinfo *results[MAX_RESULTS];
static unsigned result_count;
static pthread_mutex_t results_lock = PTHREAD_MUTEX_INITIALIZER;

static bool is_numeric_host(const char *host) {
    unsigned char buf[16];
    return inet_pton(AF_INET, host, buf) == 1 || inet_pton(AF_INET6, host, buf) == 1;
}

static bool goes_remote(const char *host) {
    return host != NULL && host[0] != '\0' && !is_numeric_host(host) && dpl_dns_is_remote(&dpl_config, host);
}

static void free_chain(struct addrinfo *ai) {
    while (ai != NULL) {
        struct addrinfo *next = ai->ai_next;
        free(ai->ai_canonname);
        free(ai);
        ai = next;
    }
}

static void remember_result(struct addrinfo *ai) {
    pthread_mutex_lock(&results_lock);
    bool stored = false;
    for (size_t i = 0; i < MAX_RESULTS && !stored; i++) {
        if (results[i] == NULL) {
            results[i] = ai;
            stored = true;
            __atomic_add_fetch(&result_count, 1, __ATOMIC_RELEASE);
        }
    }
    pthread_mutex_unlock(&results_lock);
}

static bool forget_result(struct addrinfo *ai) {
    if (__atomic_load_n(&result_count, __ATOMIC_ACQUIRE) == 0) return false;
    pthread_mutex_lock(&results_lock);
    bool found = false;
    for (size_t i = 0; i < MAX_RESULTS && !found; i++) {
        if (results[i] == ai) {
            results[i] = NULL;
            found = true;
            __atomic_sub_fetch(&result_count, 1, __ATOMIC_RELEASE);
        }
    }
    pthread_mutex_unlock(&results_lock);
    return found;
}

void dpl_dns_results_after_fork_child(void) { pthread_mutex_init(&results_lock, NULL); }

DPL_EXPORT int getaddrinfo(const char *node, const char *service, const struct addrinfo *hints,
                           struct addrinfo **res) {
    if (!dpl_enter()) return dpl_real_getaddrinfo()(node, service, hints, res);
    if (!goes_remote(node)) {
        int rc = dpl_real_getaddrinfo()(node, service, hints, res);
        DPL_LEAVE_RETURN(rc);
    }
    int status = 0;
    int err = dpl_remote_getaddrinfo(node, service, hints, res, &status);
    if (err != 0) {
        errno = err == -ENOTCONN ? ECONNREFUSED : -err;
        status = EAI_AGAIN; /* the pod's resolver cannot be asked right now */
    } else if (status == 0) {
        /* If the registry is full, libc's freeaddrinfo still frees the chain correctly: remote_dns.c builds it
         * the way glibc does (one block per entry holding its address, canonname allocated apart). */
        remember_result(*res);
        for (struct addrinfo *ai = *res; ai != NULL; ai = ai->ai_next) dpl_dns_remember(node, ai->ai_addr);
    }
    DPL_LEAVE_RETURN(status);
}

DPL_EXPORT void freeaddrinfo(struct addrinfo *res) {
    if (!dpl_enter()) {
        dpl_real_freeaddrinfo()(res);
        return;
    }
    if (forget_result(res)) free_chain(res);
    else dpl_real_freeaddrinfo()(res);
    dpl_leave();
}

/* gethostbyname(_r) through a pod lookup: IPv4 addresses of `name`, written into the caller's buffer. */
static int fill_hostent(const char *name, struct hostent *out, char *buf, size_t buflen, int *h_errnop) {
    struct addrinfo hints = {.ai_family = AF_INET, .ai_socktype = SOCK_STREAM, .ai_flags = AI_CANONNAME};
    struct addrinfo *list = NULL;
    int status = 0;
    int err = dpl_remote_getaddrinfo(name, NULL, &hints, &list, &status);
    if (err != 0 || status != 0) {
        *h_errnop = err != 0 || status == EAI_AGAIN ? TRY_AGAIN : HOST_NOT_FOUND;
        return err != 0 ? EAGAIN : ENOENT;
    }
    size_t count = 0;
    for (struct addrinfo *ai = list; ai != NULL; ai = ai->ai_next) count++;
    const char *canon = list && list->ai_canonname && list->ai_canonname[0] ? list->ai_canonname : name;
    size_t need = (count + 1) * sizeof(char *) + sizeof(char *) + count * 4 + strlen(canon) + 1 + sizeof(char *);
    if (need > buflen) {
        free_chain(list);
        *h_errnop = NETDB_INTERNAL;
        return ERANGE;
    }
    char **addr_list = (char **)buf;
    char **aliases = addr_list + count + 1;
    char *addresses = (char *)(aliases + 1);
    char *canon_copy = addresses + count * 4;
    size_t i = 0;
    for (struct addrinfo *ai = list; ai != NULL; ai = ai->ai_next, i++) {
        memcpy(addresses + i * 4, &((struct sockaddr_in *)ai->ai_addr)->sin_addr, 4);
        addr_list[i] = addresses + i * 4;
        dpl_dns_remember(name, ai->ai_addr);
    }
    addr_list[count] = NULL;
    aliases[0] = NULL;
    strcpy(canon_copy, canon);
    free_chain(list);
    *out = (struct hostent){.h_name = canon_copy, .h_aliases = aliases, .h_addrtype = AF_INET, .h_length = 4,
                            .h_addr_list = addr_list};
    *h_errnop = 0;
    return count > 0 ? 0 : ENOENT;
}

DPL_EXPORT int gethostbyname_r(const char *name, struct hostent *ret, char *buf, size_t buflen,
                               struct hostent **result, int *h_errnop) {
    if (!dpl_enter()) return dpl_real_gethostbyname_r()(name, ret, buf, buflen, result, h_errnop);
    if (!goes_remote(name)) {
        int rc = dpl_real_gethostbyname_r()(name, ret, buf, buflen, result, h_errnop);
        DPL_LEAVE_RETURN(rc);
    }
    int rc = fill_hostent(name, ret, buf, buflen, h_errnop);
    *result = rc == 0 ? ret : NULL;
    DPL_LEAVE_RETURN(rc == ENOENT ? 0 : rc); /* not found: 0 with *result NULL, as glibc reports it */
}

DPL_EXPORT struct hostent *gethostbyname(const char *name) {
    if (!dpl_enter()) return dpl_real_gethostbyname()(name);
    if (!goes_remote(name)) {
        struct hostent *rc = dpl_real_gethostbyname()(name);
        DPL_LEAVE_RETURN(rc);
    }
    static __thread struct hostent entry;
    static __thread char storage[4096];
    struct hostent *result = fill_hostent(name, &entry, storage, sizeof storage, &h_errno) == 0 ? &entry : NULL;
    DPL_LEAVE_RETURN(result);
}

DPL_EXPORT int getnameinfo(const struct sockaddr *addr, socklen_t alen, char *host, socklen_t hostlen, char *serv,
                           socklen_t servlen, int flags) {
    if (!dpl_enter()) return dpl_real_getnameinfo()(addr, alen, host, hostlen, serv, servlen, flags);
    bool remote = host != NULL && hostlen > 0 && !(flags & NI_NUMERICHOST) && addr != NULL &&
                  (addr->sa_family == AF_INET || addr->sa_family == AF_INET6) && !dpl_sockaddr_is_loopback(addr) &&
                  dpl_config.dns_enabled && dpl_config.dns.mode != DPL_FILTER_REMOTE;
    int status;
    if (!remote) status = dpl_real_getnameinfo()(addr, alen, host, hostlen, serv, servlen, flags);
    else {
        struct dpl_sockaddr target = {.len = alen};
        memcpy(&target.addr, addr, alen < sizeof target.addr ? alen : sizeof target.addr);
        int err = dpl_remote_getnameinfo(&target, flags, host, hostlen, serv, servlen, &status);
        if (err != 0) status = EAI_AGAIN;
    }
    DPL_LEAVE_RETURN(status);
}
