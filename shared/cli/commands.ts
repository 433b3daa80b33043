// Every command and option of `doppel`, declared in one table. Bodies live in commands/<name>.ts and are
// loaded only when their command runs. To add a command: add a row here and its body file.
import type { Io } from "./io.ts";

export interface CommandInput {
  /** Positional arguments in declaration order. */
  args: string[];
  /** Options by their camel-cased long name (commander's naming). */
  options: Record<string, unknown>;
}

export interface CommandModule {
  /** Runs the command; the result is the exit code (0 ok, 1 the user's input is wrong). */
  run(input: CommandInput, io: Io): Promise<number> | number;
}

export interface ArgumentSpec {
  name: string;
  description: string;
  /** Takes every remaining word (e.g. the command after `--`); it arrives as several entries of `args`. */
  variadic?: boolean;
  optional?: boolean;
}

export interface OptionSpec {
  flags: string;
  description: string;
}

export interface CommandSpec {
  /** Words that invoke the command: ["verify-config"], ["config", "which"]. */
  path: readonly string[];
  summary: string;
  args?: readonly ArgumentSpec[];
  options?: readonly OptionSpec[];
  load(): Promise<CommandModule>;
}

/** Descriptions of the words that group commands. */
export const COMMAND_GROUPS: Readonly<Record<string, string>> = {
  config: "find, list and describe configuration files",
  ide: "the JSON-lines interface IDE extensions use (docs/ide-protocol.md)",
};

const workspaceOption: OptionSpec = {
  flags: "--workspace <dir>",
  description: "workspace root to search (default: the current directory)",
};
const jsonOption: OptionSpec = { flags: "--json", description: "print JSON instead of text" };
// The options every `ide` command that reads a configuration takes (see ide-config.ts).
const ideConfigOptions: readonly OptionSpec[] = [
  workspaceOption,
  { flags: "--config <file>", description: "the active configuration chosen in the IDE (wins over all others)" },
  {
    flags: "--env-json <json>",
    description: "the launch's environment as a JSON object (DOPPEL_CONFIG_FILE, DOPPEL_*)",
  },
];
const ideTargetOption: OptionSpec = { flags: "--target <target>", description: "the target (overrides target.path)" };
/** The options of every command that talks to a cluster (they win over `kubeconfig`, `kube_context`,
 * `target.namespace`); their values reach kubeClientOptions() in kube/client.ts as they are. */
export const KUBE_OPTIONS: readonly OptionSpec[] = [
  {
    flags: "-n, --namespace <namespace>",
    description: "the namespace (default: target.namespace, else the kube context's, else default)",
  },
  {
    flags: "--kubeconfig <file>",
    description: "kubeconfig file (default: the kubeconfig key, else KUBECONFIG, else ~/.kube/config)",
  },
  { flags: "--context <context>", description: "kube context (default: kube_context, else the current context)" },
];

export const COMMANDS: readonly CommandSpec[] = [
  {
    path: ["verify-config"],
    summary: "check a configuration file and print it fully resolved, or every problem with its location, as JSON",
    args: [{ name: "path", description: "configuration file (.json, .toml, .yml, .yaml)" }],
    options: [{ flags: "--ide", description: "called from an IDE: a missing target is chosen later, not an error" }],
    load: () => import("./commands/verify-config.ts"),
  },
  {
    path: ["config", "which"],
    summary: "show which configuration file applies to a workspace, and why",
    options: [
      workspaceOption,
      { flags: "--active <file>", description: "the active configuration chosen in the IDE (wins over all others)" },
      jsonOption,
    ],
    load: () => import("./commands/config-which.ts"),
  },
  {
    path: ["config", "list"],
    summary: "list the files a workspace offers as the active configuration",
    options: [workspaceOption, jsonOption],
    load: () => import("./commands/config-list.ts"),
  },
  {
    path: ["exec"],
    summary: "run a command as if it ran inside the target: its traffic, DNS, files and environment come from there",
    args: [{ name: "command", description: "the command and its arguments, after --", variadic: true, optional: true }],
    options: [
      {
        flags: "-t, --target <target>",
        description:
          "the target, e.g. deploy/web, pod/web-0/container/app, pid/1234 or targetless (overrides target.path)",
      },
      ...KUBE_OPTIONS,
      {
        flags: "-f, --config-file <file>",
        description: "configuration file (default: the workspace's, see `doppel config which`)",
      },
      { flags: "--steal", description: "steal incoming traffic instead of mirroring it" },
      { flags: "--fs-mode <mode>", description: "file access: read, write, local or localwithoverrides" },
      { flags: "--no-env", description: "do not import the target's environment" },
      {
        flags: "--explain-fs <path>",
        description: "print whether PATH would be read locally or from the target, and why",
      },
    ],
    load: () => import("./commands/exec.ts"),
  },
  {
    path: ["port-forward"],
    summary:
      "forward local ports to hosts the target reaches (-L) and the target's incoming ports to local ones (-R), until Ctrl-C",
    options: [
      {
        flags: "-t, --target <target>",
        description:
          "the target, e.g. deploy/web, pod/web-0/container/app, pid/1234 or targetless (overrides target.path; default: targetless, where only -L works)",
      },
      ...KUBE_OPTIONS,
      {
        flags: "-f, --config-file <file>",
        description: "configuration file (default: the workspace's, see `doppel config which`)",
      },
      {
        flags: "-L, --local <spec...>",
        description:
          "[lport:]host:rport — listen on 127.0.0.1:lport (default rport) and connect each connection from the target to host:rport; host is resolved there, at each connection (repeatable)",
      },
      {
        flags: "-R, --remote <spec...>",
        description:
          "rport[:lport] — steal the target's incoming connections on port rport and forward each to 127.0.0.1:lport (default rport) (repeatable)",
      },
      { flags: "--json", description: "print one JSON line per forward when it is ready" },
    ],
    load: () => import("./commands/port-forward.ts"),
  },
  {
    path: ["ls"],
    summary: "list the Kubernetes targets of a namespace (ready pods and workloads) and the namespaces",
    options: [
      ...KUBE_OPTIONS,
      { flags: "-A, --all-namespaces", description: "list the targets of every namespace" },
      jsonOption,
      {
        flags: "-f, --config-file <file>",
        description: "configuration file (default: the workspace's, see `doppel config which`)",
      },
    ],
    load: () => import("./commands/ls.ts"),
  },
  {
    path: ["config", "schema"],
    summary: "print the JSON Schema of configuration files",
    load: () => import("./commands/config-schema.ts"),
  },
  {
    path: ["ide", "version"],
    summary: "print the IDE protocol version",
    load: () => import("./commands/ide-version.ts"),
  },
  {
    path: ["ide", "configs"],
    summary: "the configuration files to offer as the active one, and the one the rules choose",
    options: ideConfigOptions,
    load: () => import("./commands/ide-configs.ts"),
  },
  {
    path: ["ide", "resolve"],
    summary: "the configuration a launch would use and its target, or every problem with its location",
    options: [...ideConfigOptions, ideTargetOption],
    load: () => import("./commands/ide-resolve.ts"),
  },
  {
    path: ["ide", "targets"],
    summary: "the targets to offer in the IDE's picker",
    options: [
      ...ideConfigOptions,
      { flags: "--namespace <namespace>", description: "list this namespace instead of the configured one" },
    ],
    load: () => import("./commands/ide-targets.ts"),
  },
  {
    path: ["ide", "start"],
    summary: "open a session for an IDE launch: progress, then the environment to launch with; ends on stop",
    options: [
      ...ideConfigOptions,
      ideTargetOption,
      {
        flags: "--skip-processes <names>",
        description: "comma-separated executables the layer leaves alone (debugger helpers), added to skip_processes",
      },
      {
        flags: "--overrides-json <json>",
        description:
          "configuration keys the IDE sets for this launch, as a JSON object shaped like a configuration file",
      },
    ],
    load: () => import("./commands/ide-start.ts"),
  },
];
