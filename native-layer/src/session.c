#include "session.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "log.h"
#include "process_env.h"
#include "proxy_client.h"

#define ROLE_LAYER 1

void dpl_session_fill_hello(struct dpl_hello *hello) {
    const char *token = getenv(DPL_ENV_SESSION_TOKEN);
    token = token ? token : "";
    hello->min_version = DPL_PROTOCOL_VERSION;
    hello->max_version = DPL_PROTOCOL_VERSION;
    hello->role = ROLE_LAYER;
    hello->token = (struct dpl_str){token, (uint32_t)strlen(token)};
    hello->pid = (uint32_t)getpid();
    hello->ppid = (uint32_t)getppid();
    hello->exe = (struct dpl_bytes){(const uint8_t *)dpl_exe_path, (uint32_t)strlen(dpl_exe_path)};
}

static char *copy_str(struct dpl_str s) {
    char *out = malloc(s.len + 1);
    if (out != NULL) {
        memcpy(out, s.ptr, s.len);
        out[s.len] = '\0';
    }
    return out;
}

static void load_regexes(const struct dpl_list *list, struct dpl_regex_list *out, const char *key) {
    uint32_t cursor = 0;
    union dpl_element element;
    while (dpl_list_next(list, &cursor, &element)) {
        char *source = copy_str(element.str);
        char error[512];
        if (source != NULL && !dpl_regex_list_add(out, source, error, sizeof error))
            dpl_log(DPL_LOG_ERROR, "feature.fs.%s: %s; the pattern is ignored", key, error);
        free(source);
    }
}

static void load_filters(const struct dpl_list *list, uint8_t mode, struct dpl_filter_list *out) {
    out->mode = (enum dpl_filter_mode)mode;
    out->items = calloc(list->count ? list->count : 1, sizeof *out->items);
    if (out->items == NULL) return;
    uint32_t cursor = 0;
    union dpl_element element;
    while (dpl_list_next(list, &cursor, &element) && out->count < list->count) {
        struct dpl_net_filter *f = &out->items[out->count++];
        f->protocol = element.filter.protocol;
        f->prefix_len = element.filter.prefix_len;
        f->family = element.filter.address.family;
        memcpy(f->address, element.filter.address.ip, sizeof f->address);
        f->port = element.filter.address.port;
        f->name = element.filter.name.len > 0 ? copy_str(element.filter.name) : NULL;
    }
}

static void load_ports(const struct dpl_list *list, struct dpl_port_list *out) {
    out->ports = calloc(list->count ? list->count : 1, sizeof *out->ports);
    uint32_t cursor = 0;
    union dpl_element element;
    while (out->ports != NULL && dpl_list_next(list, &cursor, &element) && out->count < list->count)
        out->ports[out->count++] = element.u16;
}

static void load_pairs(const struct dpl_list *list, struct dpl_port_pairs *out) {
    out->pairs = calloc(list->count ? list->count : 1, sizeof *out->pairs);
    uint32_t cursor = 0;
    union dpl_element element;
    while (out->pairs != NULL && dpl_list_next(list, &cursor, &element) && out->count < list->count)
        out->pairs[out->count++] = (struct dpl_port_route){element.port_pair.local, element.port_pair.remote};
}

static void load_names(const struct dpl_list *list, struct dpl_config *config) {
    config->skip_processes = calloc(list->count ? list->count : 1, sizeof *config->skip_processes);
    uint32_t cursor = 0;
    union dpl_element element;
    while (config->skip_processes != NULL && dpl_list_next(list, &cursor, &element) &&
           config->skip_process_count < list->count) {
        char *name = copy_str(element.str);
        if (name != NULL) config->skip_processes[config->skip_process_count++] = name;
    }
}

static void load_config(const struct dpl_layer_config *wire, struct dpl_config *config) {
    config->fs_mode = wire->fs_mode <= DPL_FS_MODE_WRITE ? (enum dpl_fs_mode)wire->fs_mode : DPL_FS_MODE_READ;
    load_regexes(&wire->fs_read_write, &config->fs_lists[DPL_FS_LIST_READ_WRITE], "read_write");
    load_regexes(&wire->fs_read_only, &config->fs_lists[DPL_FS_LIST_READ_ONLY], "read_only");
    load_regexes(&wire->fs_local, &config->fs_lists[DPL_FS_LIST_LOCAL], "local");
    load_regexes(&wire->fs_not_found, &config->fs_lists[DPL_FS_LIST_NOT_FOUND], "not_found");
    config->outgoing_tcp = wire->outgoing_tcp;
    config->outgoing_udp = wire->outgoing_udp;
    load_filters(&wire->outgoing_filter, wire->outgoing_filter_mode, &config->outgoing);
    config->dns_enabled = wire->dns_enabled;
    load_filters(&wire->dns_filter, wire->dns_filter_mode, &config->dns);
    config->incoming_mode = (enum dpl_incoming_mode)wire->incoming_mode;
    load_ports(&wire->incoming_ports, &config->incoming_ports);
    load_ports(&wire->incoming_ignore_ports, &config->incoming_ignore_ports);
    load_pairs(&wire->port_mapping, &config->port_mapping);
    load_pairs(&wire->listen_ports, &config->listen_ports);
    config->incoming_ignore_localhost = wire->incoming_ignore_localhost;
    config->ignore_localhost = wire->ignore_localhost;
    load_names(&wire->skip_processes, config);
    config->skip_build_tools = wire->skip_build_tools;
    config->log_level = wire->log_level;
}

void dpl_session_start(const char *socket_path) {
    if (dpl_proxy_connect(socket_path) != 0) return; /* warned; the defaults stay and remote calls fail */
    struct dpl_message request = {.type = DPL_MSG_LAYER_CONFIG_GET};
    struct dpl_message reply;
    int rc = dpl_proxy_call(&request, DPL_MSG_LAYER_CONFIG, &reply);
    if (rc != 0) {
        dpl_log(DPL_LOG_ERROR, "the session proxy did not send the layer configuration (%s); using defaults",
                strerror(-rc));
        return;
    }
    load_config(&reply.body.layer_config, &dpl_config);
    dpl_proxy_done();
    /* LOG levels are 1 error .. 4 debug; ours are 0 .. 3. */
    dpl_log_forward_threshold = (int)dpl_config.log_level - 1;
    dpl_log_forwarder = dpl_proxy_log;
}

void dpl_session_stop(void) { dpl_proxy_disconnect(); }
