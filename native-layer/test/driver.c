/* Runs one snippet: `plain`, `threads` (4 concurrent instances, outputs printed in order) or `fork` (in a child). */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "snippet.h"

#define THREADS 4

struct job {
    pthread_t thread;
    int instance;
    struct snippet_out out;
};

static void *run_job(void *arg) {
    struct job *job = arg;
    snippet_run(&job->out, job->instance);
    return NULL;
}

int main(int argc, char **argv) {
    const char *mode = argc > 1 ? argv[1] : "plain";
    static struct job jobs[THREADS];
    if (strcmp(mode, "plain") == 0) {
        run_job(&jobs[0]);
        fputs(jobs[0].out.text, stdout);
    } else if (strcmp(mode, "threads") == 0) {
        for (int i = 0; i < THREADS; i++) {
            jobs[i].instance = i;
            pthread_create(&jobs[i].thread, NULL, run_job, &jobs[i]);
        }
        for (int i = 0; i < THREADS; i++) {
            pthread_join(jobs[i].thread, NULL);
            printf("[thread %d]\n%s", i, jobs[i].out.text);
        }
    } else if (strcmp(mode, "fork") == 0) {
        fflush(stdout);
        pid_t child = fork();
        if (child == 0) {
            run_job(&jobs[0]);
            fputs(jobs[0].out.text, stdout);
            fflush(stdout);
            _exit(0);
        }
        int status = 0;
        waitpid(child, &status, 0);
        printf("[child exit %d]\n", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    } else {
        fprintf(stderr, "usage: %s plain|threads|fork\n", argv[0]);
        return 2;
    }
    return 0;
}
