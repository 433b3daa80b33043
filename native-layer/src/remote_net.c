/* Connection requests (PROTOCOL.md §9, §10): outgoing connect, UDP bind, incoming subscribe and peer lookup. */
#include <string.h>

#include "proxy_client.h"
#include "remote.h"
#include "wire_addr.h"

static void fill_socket_info(const struct dpl_net_connected *connected, struct dpl_socket_info *info) {
    info->conn_id = connected->conn_id;
    info->local = dpl_sockaddr_from_addr(&connected->local);
    info->remote = dpl_sockaddr_from_addr(&connected->remote);
    info->standin = dpl_sockaddr_from_addr(&connected->standin);
}

int dpl_remote_connect(int protocol, const struct dpl_sockaddr *remote, struct dpl_socket_info *info) {
    struct dpl_message request = {
        .type = DPL_MSG_NET_CONNECT,
        .body.net_connect = {(uint8_t)protocol, dpl_addr_from_sockaddr((const struct sockaddr *)&remote->addr)}};
    struct dpl_message reply;
    int rc = dpl_proxy_call(&request, DPL_MSG_NET_CONNECTED, &reply);
    if (rc != 0) return rc;
    fill_socket_info(&reply.body.net_connected, info);
    dpl_proxy_done();
    return 0;
}

int dpl_remote_udp_bind(const struct dpl_sockaddr *local, struct dpl_socket_info *info) {
    struct dpl_message request = {.type = DPL_MSG_NET_UDP_BIND,
                                .body.net_udp_bind = {dpl_addr_from_sockaddr((const struct sockaddr *)&local->addr)}};
    struct dpl_message reply;
    int rc = dpl_proxy_call(&request, DPL_MSG_NET_CONNECTED, &reply);
    if (rc != 0) return rc;
    fill_socket_info(&reply.body.net_connected, info);
    dpl_proxy_done();
    return 0;
}

int dpl_remote_subscribe(uint16_t port, int mode, const struct dpl_sockaddr *app) {
    /* concurrent_steal, mirror_percent and http_filter: the proxy fills them from the config (§10). */
    struct dpl_message request = {
        .type = DPL_MSG_IN_SUBSCRIBE,
        .body.in_subscribe = {port, (uint8_t)mode, dpl_addr_from_sockaddr((const struct sockaddr *)&app->addr), 0, 100,
                              {"", 0}}};
    struct dpl_message reply;
    int rc = dpl_proxy_call(&request, DPL_MSG_OK, &reply);
    if (rc == 0) dpl_proxy_done();
    return rc;
}

int dpl_remote_unsubscribe(uint16_t port) {
    struct dpl_message request = {.type = DPL_MSG_IN_UNSUBSCRIBE, .body.in_unsubscribe = {port}};
    struct dpl_message reply;
    int rc = dpl_proxy_call(&request, DPL_MSG_OK, &reply);
    if (rc == 0) dpl_proxy_done();
    return rc;
}

int dpl_remote_peer(const struct dpl_sockaddr *proxy_side, struct dpl_sockaddr *remote, struct dpl_sockaddr *local) {
    struct dpl_message request = {
        .type = DPL_MSG_IN_PEER_GET,
        .body.in_peer_get = {dpl_addr_from_sockaddr((const struct sockaddr *)&proxy_side->addr)}};
    struct dpl_message reply;
    int rc = dpl_proxy_call(&request, DPL_MSG_IN_PEER, &reply);
    if (rc != 0) return rc;
    *remote = dpl_sockaddr_from_addr(&reply.body.in_peer.remote);
    *local = dpl_sockaddr_from_addr(&reply.body.in_peer.local);
    dpl_proxy_done();
    return 0;
}
