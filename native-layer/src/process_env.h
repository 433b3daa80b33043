/* What children must inherit for the session to follow them: LD_PRELOAD with this library, every DOPPEL_*
 * variable and UV_USE_IO_URING=0. Captured once at init; re-injected into any envp an app hands to
 * execve/execvpe/execle/fexecve/execveat/posix_spawn(p), even one that dropped them. */
#pragma once

#define DPL_ENV_PROXY_SOCKET "DOPPEL_PROXY_SOCKET"
#define DPL_ENV_SESSION_TOKEN "DOPPEL_SESSION_TOKEN"
#define DPL_ENV_LOG "DOPPEL_LAYER_LOG"
#define DPL_ENV_EXPLAIN_FS "DOPPEL_EXPLAIN_FS"

/* Snapshot of the variables above from the current environment; call once, at init. */
void dpl_env_capture(void);

/* A NULL-terminated copy of `envp` with the session variables added where missing (and this library put back
 * into LD_PRELOAD); `envp` itself if memory runs out. Release with dpl_env_free(result, envp). */
char **dpl_env_with_session(char *const envp[]);
void dpl_env_free(char **built, char *const envp[]);
