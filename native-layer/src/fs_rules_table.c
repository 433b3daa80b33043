/* The built-in file rules, consulted after the user's lists and before the fs mode's fallback (FS_RULES.md lists
 * them for users; keep both in step). Earlier rows win: credentials before anything that could contain $HOME, pod
 * files before /etc. The busiest local trees come early because the walk stops at the first match. */
#include "fs_classify.h"

#define ROW(base, match, text, verdict, why) \
    {DPL_BASE_##base, DPL_MATCH_##match, text, sizeof(text) - 1, DPL_FS_##verdict, why}

const struct dpl_fs_builtin_rule dpl_fs_builtin_rules[] = {
    /* Local cloud and cluster credentials: never served from either side, so the app cannot reach the real cluster
     * or cloud with the developer's identity instead of the pod's. */
    ROW(HOME, TREE, "/.kube", NOT_FOUND, "local cluster credentials are hidden"),
    ROW(HOME, TREE, "/.aws", NOT_FOUND, "local cloud credentials are hidden"),
    ROW(HOME, TREE, "/.config/gcloud", NOT_FOUND, "local cloud credentials are hidden"),
    ROW(HOME, TREE, "/.azure", NOT_FOUND, "local cloud credentials are hidden"),

    /* The local machine's system and toolchain: the local program must load its own runtime. */
    ROW(ROOT, TREE, "/usr", LOCAL, "toolchain tree"),
    ROW(ROOT, TOP_PREFIX, "lib", LOCAL, "toolchain tree (/lib*)"),
    ROW(ROOT, TREE, "/proc", LOCAL, "system tree"),
    ROW(ROOT, TREE, "/tmp", LOCAL, "local temporary files"),
    ROW(ROOT, TREE, "/dev", LOCAL, "system tree"),
    ROW(ROOT, TREE, "/sys", LOCAL, "system tree"),
    ROW(ROOT, TREE, "/run", LOCAL, "system tree"),
    ROW(ROOT, TREE, "/bin", LOCAL, "toolchain tree"),
    ROW(ROOT, TREE, "/sbin", LOCAL, "toolchain tree"),
    ROW(ROOT, TREE, "/opt", LOCAL, "toolchain tree"),
    ROW(ROOT, TREE, "/nix", LOCAL, "toolchain tree"),

    /* The pod's identity on the network: name resolution and trust roots must match the pod's. */
    ROW(ROOT, EXACT, "/etc/resolv.conf", REMOTE, "the pod's name resolution file"),
    ROW(ROOT, EXACT, "/etc/hosts", REMOTE, "the pod's name resolution file"),
    ROW(ROOT, EXACT, "/etc/hostname", REMOTE, "the pod's host name"),
    ROW(ROOT, TREE, "/etc/ssl/certs", REMOTE, "the pod's CA certificates"),
    ROW(ROOT, TREE, "/etc/pki", REMOTE, "the pod's CA certificates"),
    ROW(ROOT, TREE, "/etc/ca-certificates", REMOTE, "the pod's CA certificates"),
    ROW(ROOT, TREE, "/etc", LOCAL, "local system configuration"),

    ROW(ROOT, TREE, "/home", LOCAL, "local home directories"),
    ROW(HOME, TREE, "", LOCAL, "the local home directory ($HOME)"),
    ROW(TMPDIR, TREE, "", LOCAL, "local temporary files ($TMPDIR)"),
    ROW(CWD, TREE, "", LOCAL, "the working directory the process started in"),
    ROW(CWD, ANCESTOR, "", LOCAL, "a directory above the working directory"),
    ROW(EXE, EXACT, "", LOCAL, "the executable itself"),
    ROW(EXE, ANCESTOR, "", LOCAL, "a directory above the executable"),

    /* Runtime files wherever they are: code and dependencies of the local program. */
    ROW(ROOT, SUFFIX, ".so", LOCAL, "shared library"),
    ROW(ROOT, INFIX, ".so.", LOCAL, "shared library"),
    ROW(ROOT, SUFFIX, ".py", LOCAL, "Python source"),
    ROW(ROOT, SUFFIX, ".pyc", LOCAL, "Python bytecode"),
    ROW(ROOT, SUFFIX, ".js", LOCAL, "JavaScript source"),
    ROW(ROOT, SUFFIX, ".mjs", LOCAL, "JavaScript source"),
    ROW(ROOT, SUFFIX, ".cjs", LOCAL, "JavaScript source"),
    ROW(ROOT, SUFFIX, ".jar", LOCAL, "Java archive"),
    ROW(ROOT, SUFFIX, ".class", LOCAL, "Java class"),
    ROW(ROOT, COMPONENT, "node_modules", LOCAL, "Node.js dependencies"),
    ROW(ROOT, BASENAME, "package.json", LOCAL, "Node.js package manifest"),
    ROW(ROOT, COMPONENT, "site-packages", LOCAL, "Python packages (virtualenv)"),
    ROW(ROOT, COMPONENT, ".venv", LOCAL, "Python virtualenv"),
    ROW(ROOT, COMPONENT, "venv", LOCAL, "Python virtualenv"),
    ROW(ROOT, BASENAME, "pyvenv.cfg", LOCAL, "Python virtualenv"),
    ROW(ROOT, COMPONENT, "__pycache__", LOCAL, "Python bytecode cache"),
};

const size_t dpl_fs_builtin_rule_count = sizeof dpl_fs_builtin_rules / sizeof dpl_fs_builtin_rules[0];
