/* The layer's view of the session configuration: PROTOCOL.md's LAYER_CONFIG, decoded once at start-up by
 * proxy_client.c (or filled from flags by dpl-explain-fs) and read-only afterwards. User regexes are compiled
 * here, so per-call matching never parses anything. */
#pragma once
#include <regex.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum dpl_fs_mode { DPL_FS_MODE_LOCAL = 0, DPL_FS_MODE_LOCAL_WITH_OVERRIDES = 1, DPL_FS_MODE_READ = 2, DPL_FS_MODE_WRITE = 3 };

/* User path lists, in the order the classifier consults them. */
enum dpl_fs_list { DPL_FS_LIST_NOT_FOUND, DPL_FS_LIST_READ_WRITE, DPL_FS_LIST_READ_ONLY, DPL_FS_LIST_LOCAL, DPL_FS_LIST_COUNT };

enum dpl_filter_mode { DPL_FILTER_NONE = 0, DPL_FILTER_REMOTE = 1, DPL_FILTER_LOCAL = 2 };
enum dpl_incoming_mode { DPL_INCOMING_OFF = 0, DPL_INCOMING_MIRROR = 1, DPL_INCOMING_STEAL = 2 };

struct dpl_regex_list {
    size_t count;
    regex_t *compiled;
    char **sources; /* as the user wrote them, for explanations */
};

/* One outgoing/DNS filter entry: protocol (0 any, 6 TCP, 17 UDP), then a host name or a subnet, then a port. */
struct dpl_net_filter {
    uint8_t protocol;
    uint8_t prefix_len;
    uint8_t family; /* 0 = no address (name or any), 4, 6 */
    uint8_t address[16];
    uint16_t port; /* 0 = any */
    char *name;    /* NULL unless a host name */
};

struct dpl_filter_list {
    enum dpl_filter_mode mode;
    size_t count;
    struct dpl_net_filter *items;
};

struct dpl_port_route {
    uint16_t local;
    uint16_t remote;
};

struct dpl_port_list {
    size_t count;
    uint16_t *ports;
};

struct dpl_port_pairs {
    size_t count;
    struct dpl_port_route *pairs;
};

struct dpl_config {
    enum dpl_fs_mode fs_mode;
    struct dpl_regex_list fs_lists[DPL_FS_LIST_COUNT];
    bool outgoing_tcp;
    bool outgoing_udp;
    struct dpl_filter_list outgoing;
    bool dns_enabled;
    struct dpl_filter_list dns;
    enum dpl_incoming_mode incoming_mode;
    struct dpl_port_list incoming_ports; /* empty: every port */
    struct dpl_port_list incoming_ignore_ports;
    struct dpl_port_pairs port_mapping;
    struct dpl_port_pairs listen_ports;
    bool incoming_ignore_localhost; /* listeners bound only to loopback are not subscribed */
    bool ignore_localhost;
    size_t skip_process_count;
    char **skip_processes;
    bool skip_build_tools;
    uint8_t log_level;
};

/* The process's configuration (library) or the tool's. */
extern struct dpl_config dpl_config;

/* The defaults the layer uses when the proxy cannot be reached (remote calls then fail with an errno). */
void dpl_config_set_defaults(struct dpl_config *config);

/* Translates (regex_translate.c) and compiles a user regex into `list`. On failure writes a message naming the
 * pattern and the problem to `error` and returns false; the list is unchanged. */
bool dpl_regex_list_add(struct dpl_regex_list *list, const char *source, char *error, size_t error_size);

/* The first pattern of `list` that matches `path`, or NULL. Costs nothing for an empty list. */
const char *dpl_regex_list_match(const struct dpl_regex_list *list, const char *path);

/* Whether the process is in skip_processes (or a build tool, with skip_build_tools), by the base name of its
 * executable or of the name it was started under (argv[0]): /usr/bin/gcc is a symlink to x86_64-linux-gnu-gcc-12
 * on Debian, and users write the name they type. */
bool dpl_config_skips_process(const struct dpl_config *config, const char *exe_path, const char *invoked_name);
