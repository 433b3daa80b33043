/* Process hooks: every exec and posix_spawn gets the session variables back into the child's environment (an app
 * that builds its own envp would otherwise drop LD_PRELOAD and DOPPEL_*), and vfork becomes fork, because a vfork
 * child shares the parent's memory and stack and must not run the layer's reconnect logic. fork itself needs no
 * hook: pthread_atfork (proxy_client.c) resets the child. */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <unistd.h>

#include "layer.h"
#include "process_env.h"

/* Always fork, also in pass-through: a vfork child would return through this function's stack frame, which the
 * parent still needs. POSIX lets vfork be fork; the only difference an app sees is that the parent runs on. */
DPL_EXPORT pid_t vfork(void) { return fork(); }

/* Runs `call` with envp replaced by the session-complete environment. */
#define WITH_SESSION_ENV(envp, type, call)                \
    char **session_env = dpl_env_with_session(envp);      \
    type rc = call;                                       \
    int saved = errno;                                    \
    dpl_env_free(session_env, envp);                      \
    errno = saved;                                        \
    DPL_LEAVE_RETURN(rc);

DPL_EXPORT int execve(const char *path, char *const argv[], char *const envp[]) {
    if (!dpl_enter()) return dpl_real_execve()(path, argv, envp);
    WITH_SESSION_ENV(envp, int, dpl_real_execve()(path, argv, session_env))
}

DPL_EXPORT int execv(const char *path, char *const argv[]) {
    if (!dpl_enter()) return dpl_real_execv()(path, argv);
    WITH_SESSION_ENV(environ, int, dpl_real_execve()(path, argv, session_env))
}

DPL_EXPORT int execvp(const char *file, char *const argv[]) {
    if (!dpl_enter()) return dpl_real_execvp()(file, argv);
    WITH_SESSION_ENV(environ, int, dpl_real_execvpe()(file, argv, session_env))
}

DPL_EXPORT int execvpe(const char *file, char *const argv[], char *const envp[]) {
    if (!dpl_enter()) return dpl_real_execvpe()(file, argv, envp);
    WITH_SESSION_ENV(envp, int, dpl_real_execvpe()(file, argv, session_env))
}

DPL_EXPORT int fexecve(int fd, char *const argv[], char *const envp[]) {
    if (!dpl_enter()) return dpl_real_fexecve()(fd, argv, envp);
    WITH_SESSION_ENV(envp, int, dpl_real_fexecve()(fd, argv, session_env))
}

DPL_EXPORT int execveat(int dirfd, const char *path, char *const argv[], char *const envp[], int flags) {
    if (dpl_real_execveat() == NULL) {
        errno = ENOSYS;
        return -1;
    }
    if (!dpl_enter()) return dpl_real_execveat()(dirfd, path, argv, envp, flags);
    WITH_SESSION_ENV(envp, int, dpl_real_execveat()(dirfd, path, argv, session_env, flags))
}

DPL_EXPORT int posix_spawn(pid_t *pid, const char *path, const posix_spawn_file_actions_t *actions,
                           const posix_spawnattr_t *attr, char *const argv[], char *const envp[]) {
    if (!dpl_enter()) return dpl_real_posix_spawn()(pid, path, actions, attr, argv, envp);
    WITH_SESSION_ENV(envp, int, dpl_real_posix_spawn()(pid, path, actions, attr, argv, session_env))
}

DPL_EXPORT int posix_spawnp(pid_t *pid, const char *file, const posix_spawn_file_actions_t *actions,
                            const posix_spawnattr_t *attr, char *const argv[], char *const envp[]) {
    if (!dpl_enter()) return dpl_real_posix_spawnp()(pid, file, actions, attr, argv, envp);
    WITH_SESSION_ENV(envp, int, dpl_real_posix_spawnp()(pid, file, actions, attr, argv, session_env))
}

/* execl, execlp, execle: collect the variadic argument list, then go through the vector forms above (which are
 * hooks, so they apply the session environment). An argument list longer than the stack can hold is E2BIG. */
#define MAX_LIST_ARGS 4096
#define COLLECT_ARGS(first, args, argv, count)                       \
    const char *argv[MAX_LIST_ARGS + 1];                             \
    size_t count = 0;                                                \
    argv[count++] = first;                                           \
    while (argv[count - 1] != NULL && count <= MAX_LIST_ARGS)        \
        argv[count++] = va_arg(args, const char *);                  \
    if (argv[count - 1] != NULL) {                                   \
        va_end(args);                                                \
        errno = E2BIG;                                               \
        return -1;                                                   \
    }

DPL_EXPORT int execl(const char *path, const char *arg, ...) {
    va_list args;
    va_start(args, arg);
    COLLECT_ARGS(arg, args, argv, count)
    va_end(args);
    return execv(path, (char *const *)argv);
}

DPL_EXPORT int execlp(const char *file, const char *arg, ...) {
    va_list args;
    va_start(args, arg);
    COLLECT_ARGS(arg, args, argv, count)
    va_end(args);
    return execvp(file, (char *const *)argv);
}

DPL_EXPORT int execle(const char *path, const char *arg, ...) {
    va_list args;
    va_start(args, arg);
    COLLECT_ARGS(arg, args, argv, count)
    char *const *envp = va_arg(args, char *const *);
    va_end(args);
    return execve(path, (char *const *)argv, envp);
}
