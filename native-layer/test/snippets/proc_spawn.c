/* Processes: fork, vfork, posix_spawn(p), execve with a custom environment, execl family. */
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../snippet.h"

extern char **environ;

/* Runs argv[0] with stdout captured, returns the first output line. */
static void capture(struct snippet_out *out, const char *label, int how, char *const argv[]) {
    int pipefd[2];
    pipe(pipefd);
    pid_t pid;
    if (how == 0) { /* posix_spawnp */
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_adddup2(&actions, pipefd[1], 1);
        char *env[] = {"DPL_SNIPPET=1", NULL};
        posix_spawnp(&pid, argv[0], &actions, NULL, argv, env);
        posix_spawn_file_actions_destroy(&actions);
    } else {
        pid = how == 1 ? fork() : vfork();
        if (pid == 0) {
            dup2(pipefd[1], 1);
            char *env[] = {"DPL_SNIPPET=2", NULL};
            if (how == 1) execve(argv[0], argv, env);
            else execl(argv[0], argv[0], argv[1], argv[2], (char *)NULL);
            _exit(127);
        }
    }
    close(pipefd[1]);
    char buf[256] = {0};
    ssize_t n = read(pipefd[0], buf, sizeof buf - 1);
    close(pipefd[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    char *newline = n > 0 ? strchr(buf, '\n') : NULL;
    if (newline) *newline = '\0';
    say(out, "%s: '%s' exit=%d\n", label, buf, WIFEXITED(status) ? WEXITSTATUS(status) : -1);
}

void snippet_run(struct snippet_out *out, int instance) {
    char *echo[] = {"/bin/echo", "spawned", NULL};
    char *sh[] = {"/bin/sh", "-c", "echo sh $DPL_SNIPPET", NULL};
    char text[32];
    snprintf(text, sizeof text, "echo %d", instance);
    char *sh_instance[] = {"/bin/sh", "-c", text, NULL};
    capture(out, "posix_spawnp", 0, echo);
    capture(out, "fork+execve", 1, sh);
    capture(out, "vfork+execl", 2, sh_instance);
}
