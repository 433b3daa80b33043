/* The session as this process sees it: start-up handshake (HELLO, LAYER_CONFIG), the process context the file
 * rules need, and the HELLO a forked child sends again. */
#pragma once
#include <limits.h>
#include <stddef.h>
#include <stdint.h>

#include "fs_classify.h"
#include "proto/proto.h"

extern struct dpl_fs_context dpl_fs_context;
extern char dpl_exe_path[PATH_MAX];

/* Connects to the proxy and loads LAYER_CONFIG into dpl_config. Without a proxy the defaults stay and every
 * remote call fails with an errno. */
void dpl_session_start(const char *socket_path);
void dpl_session_stop(void);

/* HELLO for this process: role layer, pid, ppid, executable, DOPPEL_SESSION_TOKEN. */
void dpl_session_fill_hello(struct dpl_hello *hello);
