/* Layer start-up: runs once per process, from the constructor or from the first hooked call, whichever is first.
 *
 * Why the constructor is early enough for UV_USE_IO_URING: libuv (statically inside node, or libuv.so) reads the
 * variable lazily, when the event loop first considers io_uring for a file operation, which happens after main()
 * has started. ELF constructors of preloaded libraries all run before the program's main(), so the setenv below
 * always precedes that read. With the variable at 0, libuv uses its thread pool and ordinary syscalls for files,
 * which are the calls the layer hooks; an io_uring submission would bypass every hook. */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "fs_classify.h"
#include "layer.h"
#include "log.h"
#include "process_env.h"
#include "proxy_client.h"
#include "session.h"

__thread bool dpl_busy __attribute__((tls_model("initial-exec")));
int dpl_state;
struct dpl_fs_context dpl_fs_context;
char dpl_exe_path[PATH_MAX];

static pthread_once_t init_once = PTHREAD_ONCE_INIT;

void dpl_write_stderr(const char *text, size_t len) {
    bool was_busy = dpl_busy;
    dpl_busy = true;
    int saved = errno;
    while (len > 0) {
        ssize_t n = dpl_real_write()(STDERR_FILENO, text, len);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        text += n;
        len -= (size_t)n;
    }
    errno = saved;
    dpl_busy = was_busy;
}

static void capture_process_context(void) {
    ssize_t n = dpl_real_readlink()("/proc/self/exe", dpl_exe_path, sizeof dpl_exe_path - 1);
    dpl_exe_path[n > 0 ? n : 0] = '\0';
    char cwd[PATH_MAX];
    const char *tmpdir = getenv("TMPDIR");
    dpl_fs_context_set(&dpl_fs_context, getenv("HOME"), tmpdir && tmpdir[0] ? tmpdir : "/tmp",
                       getcwd(cwd, sizeof cwd), dpl_exe_path);
}

static void init_layer(void) {
    dpl_resolve_all();
    dpl_log_configure(getenv(DPL_ENV_LOG), getenv(DPL_ENV_EXPLAIN_FS));
    const char *socket_path = getenv(DPL_ENV_PROXY_SOCKET);
    if (socket_path == NULL || socket_path[0] == '\0') {
        __atomic_store_n(&dpl_state, DPL_STATE_PASSTHROUGH, __ATOMIC_RELEASE);
        return;
    }
    if (getenv("UV_USE_IO_URING") == NULL) setenv("UV_USE_IO_URING", "0", 0);
    dpl_env_capture();
    capture_process_context();
    dpl_config_set_defaults(&dpl_config);
    dpl_session_start(socket_path);
    if (dpl_config_skips_process(&dpl_config, dpl_exe_path, program_invocation_name)) {
        dpl_log(DPL_LOG_INFO, "%s is in skip_processes: the layer leaves this process alone", dpl_exe_path);
        dpl_session_stop();
        __atomic_store_n(&dpl_state, DPL_STATE_PASSTHROUGH, __ATOMIC_RELEASE);
        return;
    }
    __atomic_store_n(&dpl_state, DPL_STATE_ACTIVE, __ATOMIC_RELEASE);
}

int dpl_init_slow(void) {
    bool was_busy = dpl_busy;
    dpl_busy = true; /* calls made while initialising (dlsym, getcwd ...) pass straight through */
    int saved = errno;
    pthread_once(&init_once, init_layer);
    errno = saved;
    dpl_busy = was_busy;
    return __atomic_load_n(&dpl_state, __ATOMIC_ACQUIRE);
}

__attribute__((constructor)) static void dpl_constructor(void) { dpl_init_slow(); }
