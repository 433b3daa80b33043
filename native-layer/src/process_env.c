#include "process_env.h"

#include <dlfcn.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_SESSION_VARS 32

static char *session_vars[MAX_SESSION_VARS]; /* "NAME=value" */
static size_t session_var_count;
static char *library_path; /* this .so, to put back into LD_PRELOAD */

static void keep(const char *entry) {
    if (session_var_count < MAX_SESSION_VARS) {
        char *copy = strdup(entry);
        if (copy != NULL) session_vars[session_var_count++] = copy;
    }
}

void dpl_env_capture(void) {
    for (char **entry = environ; *entry != NULL; entry++) {
        if (strncmp(*entry, "DOPPEL_", 7) == 0) keep(*entry);
    }
    keep("UV_USE_IO_URING=0");
    Dl_info info;
    if (dladdr((void *)&dpl_env_capture, &info) != 0 && info.dli_fname != NULL) library_path = strdup(info.dli_fname);
}

static size_t name_length(const char *entry) {
    const char *eq = strchr(entry, '=');
    return eq ? (size_t)(eq - entry) : strlen(entry);
}

static bool has_var(char *const envp[], const char *entry) {
    size_t n = name_length(entry);
    for (char *const *e = envp; *e != NULL; e++) {
        if (strncmp(*e, entry, n) == 0 && (*e)[n] == '=') return true;
    }
    return false;
}

/* True if the colon/space separated LD_PRELOAD value lists our library. */
static bool preload_lists_library(const char *value) {
    size_t n = strlen(library_path);
    for (const char *p = value; (p = strstr(p, library_path)) != NULL; p += n) {
        bool starts = p == value || p[-1] == ':' || p[-1] == ' ';
        bool ends = p[n] == '\0' || p[n] == ':' || p[n] == ' ';
        if (starts && ends) return true;
    }
    return false;
}

char **dpl_env_with_session(char *const envp[]) {
    static char *const empty[] = {NULL};
    if (envp == NULL) envp = empty;
    size_t count = 0;
    while (envp[count] != NULL) count++;
    char **built = malloc((count + session_var_count + 2) * sizeof *built);
    if (built == NULL) return (char **)envp; /* the exec still runs, merely without the layer */
    size_t out = 0;
    bool preload_seen = false;
    for (size_t i = 0; i < count; i++) {
        if (library_path != NULL && strncmp(envp[i], "LD_PRELOAD=", 11) == 0) {
            preload_seen = true;
            if (!preload_lists_library(envp[i] + 11)) {
                size_t len = strlen(library_path) + strlen(envp[i]) + 2;
                char *merged = malloc(len);
                if (merged != NULL) {
                    snprintf(merged, len, "LD_PRELOAD=%s:%s", library_path, envp[i] + 11);
                    built[out++] = merged;
                    continue;
                }
            }
        }
        built[out++] = envp[i];
    }
    for (size_t i = 0; i < session_var_count; i++) {
        if (!has_var(envp, session_vars[i])) built[out++] = session_vars[i];
    }
    if (!preload_seen && library_path != NULL) {
        size_t len = strlen(library_path) + 12;
        char *preload = malloc(len);
        if (preload != NULL) {
            snprintf(preload, len, "LD_PRELOAD=%s", library_path);
            built[out++] = preload;
        }
    }
    built[out] = NULL;
    return built;
}

void dpl_env_free(char **built, char *const envp[]) {
    if (built == (char **)envp) return;
    for (char **e = built; *e != NULL; e++) {
        bool ours = false;
        for (size_t i = 0; i < session_var_count; i++) ours |= *e == session_vars[i];
        bool borrowed = false;
        for (char *const *o = envp; o != NULL && *o != NULL && !borrowed; o++) borrowed = *e == *o;
        if (!ours && !borrowed) free(*e);
    }
    free(built);
}
