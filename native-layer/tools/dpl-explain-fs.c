/* dpl-explain-fs: prints how the layer would classify paths, with the layer's own classifier code.
 * `doppel exec --explain-fs PATH` runs it with the resolved fs config turned into flags. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "fs_classify.h"
#include "log.h"

void dpl_write_stderr(const char *text, size_t len) { fwrite(text, 1, len, stderr); }

static const char usage[] =
    "usage: dpl-explain-fs [options] PATH...\n"
    "Prints \"PATH → remote|local|not_found because RULE\" for each PATH, as libdoppel_layer.so decides it.\n"
    "  --mode MODE          local | localwithoverrides | read (default) | write\n"
    "  --read-write REGEX   fs.read_write entry (repeatable); likewise --read-only, --local, --not-found\n"
    "  --write              classify an open for writing (default: reading)\n"
    "  --home DIR, --tmpdir DIR, --cwd DIR, --exe PATH\n"
    "                       the app's context (default: this process's HOME, TMPDIR or /tmp, cwd; no exe)\n"
    "  --list               print the built-in rule table and exit\n";

static const char *const mode_names[] = {"local", "localwithoverrides", "read", "write"};
static const char *const base_names[] = {"", "$HOME", "$TMPDIR", "<cwd>", "<executable>"};

static void list_rules(void) {
    for (size_t i = 0; i < dpl_fs_builtin_rule_count; i++) {
        const struct dpl_fs_builtin_rule *rule = &dpl_fs_builtin_rules[i];
        static const char *const match_names[] = {"tree", "exact", "top-level prefix", "suffix", "name contains",
                                                  "directory component", "base name", "ancestor of"};
        printf("%-9s %-20s %s%s  (%s)\n", dpl_fs_verdict_name(rule->verdict), match_names[rule->match],
               base_names[rule->base], rule->text, rule->why);
    }
}

int main(int argc, char **argv) {
    enum { OPT_MODE = 1, OPT_RW, OPT_RO, OPT_LOCAL, OPT_NF, OPT_WRITE, OPT_HOME, OPT_TMPDIR, OPT_CWD, OPT_EXE, OPT_LIST, OPT_HELP };
    static const struct option options[] = {
        {"mode", required_argument, NULL, OPT_MODE},    {"read-write", required_argument, NULL, OPT_RW},
        {"read-only", required_argument, NULL, OPT_RO}, {"local", required_argument, NULL, OPT_LOCAL},
        {"not-found", required_argument, NULL, OPT_NF}, {"write", no_argument, NULL, OPT_WRITE},
        {"home", required_argument, NULL, OPT_HOME},    {"tmpdir", required_argument, NULL, OPT_TMPDIR},
        {"cwd", required_argument, NULL, OPT_CWD},      {"exe", required_argument, NULL, OPT_EXE},
        {"list", no_argument, NULL, OPT_LIST},          {"help", no_argument, NULL, OPT_HELP},
        {NULL, 0, NULL, 0},
    };
    dpl_config_set_defaults(&dpl_config);
    char cwd_buf[PATH_MAX];
    const char *home = getenv("HOME");
    const char *tmpdir = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
    const char *cwd = getcwd(cwd_buf, sizeof cwd_buf);
    const char *exe = NULL;
    enum dpl_fs_access access = DPL_FS_READ;
    char error[512];
    int opt;
    while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
        enum dpl_fs_list list;
        switch (opt) {
        case OPT_MODE: {
            size_t i = 0;
            while (i < 4 && strcmp(optarg, mode_names[i]) != 0) i++;
            if (i == 4) {
                fprintf(stderr, "dpl-explain-fs: unknown --mode \"%s\"; use local, localwithoverrides, read or write\n", optarg);
                return 2;
            }
            dpl_config.fs_mode = (enum dpl_fs_mode)i;
            continue;
        }
        case OPT_RW: list = DPL_FS_LIST_READ_WRITE; break;
        case OPT_RO: list = DPL_FS_LIST_READ_ONLY; break;
        case OPT_LOCAL: list = DPL_FS_LIST_LOCAL; break;
        case OPT_NF: list = DPL_FS_LIST_NOT_FOUND; break;
        case OPT_WRITE: access = DPL_FS_WRITE; continue;
        case OPT_HOME: home = optarg; continue;
        case OPT_TMPDIR: tmpdir = optarg; continue;
        case OPT_CWD: cwd = optarg; continue;
        case OPT_EXE: exe = optarg; continue;
        case OPT_LIST: list_rules(); return 0;
        case OPT_HELP: fputs(usage, stdout); return 0;
        default: fputs(usage, stderr); return 2;
        }
        if (!dpl_regex_list_add(&dpl_config.fs_lists[list], optarg, error, sizeof error)) {
            fprintf(stderr, "dpl-explain-fs: %s\n", error);
            return 1;
        }
    }
    if (optind == argc) {
        fputs(usage, stderr);
        return 2;
    }
    struct dpl_fs_context ctx;
    dpl_fs_context_set(&ctx, home, tmpdir, cwd, exe);
    for (int i = optind; i < argc; i++) {
        char line[PATH_MAX + 512];
        dpl_fs_format_decision(line, sizeof line, argv[i], dpl_fs_classify(&dpl_config, &ctx, argv[i], access));
        puts(line);
    }
    return 0;
}
