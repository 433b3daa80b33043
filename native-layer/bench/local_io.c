/* Cost of purely local file work, to run with and without the layer: open+read+close of a small file, stat of a
 * path, and pread() on an open fd. Prints "name ns-per-op" lines (best of 15 rounds, to damp a shared machine).
 * Usage: bench-local-io [FILE [ITERATIONS [OPERATION]]]; OPERATION limits the run to one of the three. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define ROUNDS 15

static double now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static const char *path;
static int open_fd;

static void open_read_close(void) {
    char buf[512];
    int fd = open(path, O_RDONLY);
    if (read(fd, buf, sizeof buf) < 0) abort();
    close(fd);
}

static void stat_path(void) {
    struct stat st;
    if (stat(path, &st) != 0) abort();
}

static void pread_fd(void) {
    char buf[512];
    if (pread(open_fd, buf, sizeof buf, 0) < 0) abort();
}

static const char *only;

static void measure(const char *name, void (*op)(void), int iterations) {
    if (only != NULL && strcmp(only, name) != 0) return;
    double best = 1e18;
    for (int round = 0; round < ROUNDS; round++) {
        double start = now_ns();
        for (int i = 0; i < iterations; i++) op();
        double per_op = (now_ns() - start) / iterations;
        if (per_op < best) best = per_op;
    }
    printf("%s %.0f\n", name, best);
}

int main(int argc, char **argv) {
    path = argc > 1 ? argv[1] : "/tmp/dpl-bench-file";
    int iterations = argc > 2 ? atoi(argv[2]) : 100000;
    only = argc > 3 ? argv[3] : NULL;
    int fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0600);
    for (int i = 0; i < 16; i++) write(fd, "0123456789abcdef0123456789abcdef", 32);
    close(fd);
    open_fd = open(path, O_RDONLY);
    measure("open+read+close", open_read_close, iterations);
    measure("stat", stat_path, iterations);
    measure("pread(fd)", pread_fd, iterations);
    close(open_fd);
    unlink(path);
    return 0;
}
