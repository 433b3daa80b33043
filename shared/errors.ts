// The catalogue of user-facing errors: one code per kind of failure and one factory per error, so every message
// says what failed, where, and what to do. Callers and tests match on the code, never on the text.

export const ErrorCode = {
  ConfigSyntax: "CONFIG_SYNTAX",
  ConfigDuplicateKey: "CONFIG_DUPLICATE_KEY",
  ConfigNotAnObject: "CONFIG_NOT_AN_OBJECT",
  ConfigWrongType: "CONFIG_WRONG_TYPE",
  ConfigInvalidValue: "CONFIG_INVALID_VALUE",
  ConfigUnknownKey: "CONFIG_UNKNOWN_KEY",
  ConfigInvalidRegex: "CONFIG_INVALID_REGEX",
  ConfigConflict: "CONFIG_CONFLICT",
  ConfigInvalidTarget: "CONFIG_INVALID_TARGET",
  ConfigFileNotFound: "CONFIG_FILE_NOT_FOUND",
  ConfigFileUnreadable: "CONFIG_FILE_UNREADABLE",
  ConfigUnknownFormat: "CONFIG_UNKNOWN_FORMAT",
  ConfigPathNotAbsolute: "CONFIG_PATH_NOT_ABSOLUTE",
  ConfigInvalid: "CONFIG_INVALID",
  TargetInvalid: "TARGET_INVALID",
  WorkspaceNotFound: "WORKSPACE_NOT_FOUND",
  SessionNeedsRoot: "SESSION_NEEDS_ROOT",
  SessionTargetNotFound: "SESSION_TARGET_NOT_FOUND",
  SessionAgentFailed: "SESSION_AGENT_FAILED",
  SessionLayerMissing: "SESSION_LAYER_MISSING",
  SessionCommandFailed: "SESSION_COMMAND_FAILED",
  KubeconfigNotFound: "KUBECONFIG_NOT_FOUND",
  KubeconfigInvalid: "KUBECONFIG_INVALID",
  KubeContextNotFound: "KUBE_CONTEXT_NOT_FOUND",
  KubeUnreachable: "KUBE_UNREACHABLE",
  KubeUnauthorized: "KUBE_UNAUTHORIZED",
  KubeCredentialsFailed: "KUBE_CREDENTIALS_FAILED",
  KubeForbidden: "KUBE_FORBIDDEN",
  KubeApiFailed: "KUBE_API_FAILED",
  KubeNamespaceNotFound: "KUBE_NAMESPACE_NOT_FOUND",
  KubeTargetNotFound: "KUBE_TARGET_NOT_FOUND",
  KubeContainerNotFound: "KUBE_CONTAINER_NOT_FOUND",
  KubeTargetNotReady: "KUBE_TARGET_NOT_READY",
  KubeTargetRefused: "KUBE_TARGET_REFUSED",
  KubePermissionsMissing: "KUBE_PERMISSIONS_MISSING",
  KubeAgentStartFailed: "KUBE_AGENT_START_FAILED",
  IdeBadRequest: "IDE_BAD_REQUEST",
  PortForwardSpecInvalid: "PORT_FORWARD_SPEC_INVALID",
  PortForwardPortInUse: "PORT_FORWARD_PORT_IN_USE",
  PortForwardListenFailed: "PORT_FORWARD_LISTEN_FAILED",
  PortForwardNothingToForward: "PORT_FORWARD_NOTHING_TO_FORWARD",
  PortForwardStealRefused: "PORT_FORWARD_STEAL_REFUSED",
  PortForwardRemoteNeedsTarget: "PORT_FORWARD_REMOTE_NEEDS_TARGET",
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export interface Location {
  file: string | null;
  line: number | null;
  column: number | null;
}

export class DoppelError extends Error {
  override name = "DoppelError";
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly hint: string | null = null,
    readonly location: Location | null = null,
  ) {
    super(message);
  }
}

/** 1 for an error the user can fix (a DoppelError), 2 for anything else: that is a bug in doppel. */
export function exitCodeOf(error: unknown): 1 | 2 {
  return error instanceof DoppelError ? 1 : 2;
}

export function isDoppelError(error: unknown, code: ErrorCode): error is DoppelError {
  return error instanceof DoppelError && error.code === code;
}

// ---- Configuration problems: one per defect, collected and thrown together as a ConfigError ----

/** Where a problem sits: the file and 1-based line/column (null when it does not come from a file, e.g. an
 * environment variable), and the key path (`feature.fs.read_only[1]`; empty for the whole file). */
export interface ProblemSite extends Location {
  key: string;
}

export interface ConfigProblem extends ProblemSite {
  code: ErrorCode;
  message: string;
}

function didYouMean(suggestion: unknown): string {
  return suggestion === undefined || suggestion === null ? "" : `; did you mean ${JSON.stringify(suggestion)}?`;
}

function problem(code: ErrorCode, message: string, site: ProblemSite): ConfigProblem {
  return { code, message, file: site.file, line: site.line, column: site.column, key: site.key };
}

export const configProblem = {
  syntax: (site: ProblemSite, format: string, detail: string) =>
    problem(ErrorCode.ConfigSyntax, `${format} syntax error: ${detail}`, site),
  duplicateKey: (site: ProblemSite, key: string) =>
    problem(ErrorCode.ConfigDuplicateKey, `key "${key}" is set twice; keep one of them`, site),
  notAnObject: (site: ProblemSite, got: string) =>
    problem(ErrorCode.ConfigNotAnObject, `the configuration must be a table of keys, got ${got}`, site),
  wrongType: (site: ProblemSite, expected: string, got: string) =>
    problem(ErrorCode.ConfigWrongType, `expected ${expected}, got ${got}`, site),
  notAllowed: (site: ProblemSite, got: unknown, allowed: readonly unknown[], suggestion: unknown) =>
    problem(
      ErrorCode.ConfigInvalidValue,
      `${JSON.stringify(got)} is not one of ${allowed.map((v) => JSON.stringify(v)).join(", ")}${didYouMean(suggestion)}`,
      site,
    ),
  outOfRange: (site: ProblemSite, got: unknown, bound: string) =>
    problem(ErrorCode.ConfigInvalidValue, `${JSON.stringify(got)} is out of range: it must be ${bound}`, site),
  invalidValue: (site: ProblemSite, detail: string) => problem(ErrorCode.ConfigInvalidValue, detail, site),
  unknownKey: (site: ProblemSite, key: string, suggestion: string | undefined) =>
    problem(
      ErrorCode.ConfigUnknownKey,
      `unknown key "${key}"${suggestion === undefined ? "; remove it" : didYouMean(suggestion)}`,
      site,
    ),
  misplacedKey: (site: ProblemSite, key: string, homes: readonly string[]) =>
    problem(
      ErrorCode.ConfigUnknownKey,
      `"${key}" is not a key here; it belongs under ${homes.map((h) => `"${h}"`).join(" or ")}`,
      site,
    ),
  invalidRegex: (site: ProblemSite, pattern: string, reason: string) =>
    problem(ErrorCode.ConfigInvalidRegex, `invalid regular expression ${JSON.stringify(pattern)}: ${reason}`, site),
  conflict: (site: ProblemSite, detail: string) => problem(ErrorCode.ConfigConflict, detail, site),
  invalidTarget: (site: ProblemSite, detail: string) => problem(ErrorCode.ConfigInvalidTarget, detail, site),
  fileNotFound: (file: string) =>
    problem(
      ErrorCode.ConfigFileNotFound,
      "configuration file not found; check the path, or run `doppel config list` to see the candidates",
      { file, line: null, column: null, key: "" },
    ),
  fileUnreadable: (file: string, reason: string) =>
    problem(ErrorCode.ConfigFileUnreadable, `cannot read the configuration file: ${reason}`, {
      file,
      line: null,
      column: null,
      key: "",
    }),
  unknownFormat: (file: string) =>
    problem(
      ErrorCode.ConfigUnknownFormat,
      "unknown configuration format; name the file *.json, *.toml, *.yml or *.yaml",
      { file, line: null, column: null, key: "" },
    ),
};

export function formatProblem(p: ConfigProblem): string {
  const place = p.file === null ? "" : p.line === null ? `${p.file}: ` : `${p.file}:${p.line}:${p.column}: `;
  return `${place}${p.key === "" ? "" : `${p.key}: `}${p.message}`;
}

/** Thrown when a configuration cannot be used; `errors` lists every problem found, each located. */
export class ConfigError extends DoppelError {
  override name = "ConfigError";
  constructor(readonly errors: ConfigProblem[]) {
    super(
      ErrorCode.ConfigInvalid,
      errors.map(formatProblem).join("\n"),
      "fix the listed keys; `doppel verify-config <file>` checks a file without running anything",
      errors[0] ?? null,
    );
  }
}

/** What to do about each reason an agent pod does not start (Kubernetes reasons, plus our own). */
const AGENT_START_HINTS: Readonly<Record<string, string>> = {
  ErrImagePull:
    "check `agent.image` (default doppel/agent:<version>) exists and the node can pull it; a private registry needs `agent.image_pull_secrets`",
  ImagePullBackOff:
    "check `agent.image` (default doppel/agent:<version>) exists and the node can pull it; a private registry needs `agent.image_pull_secrets`",
  InvalidImageName: "fix `agent.image`: it must be a valid image reference",
  ErrImageNeverPull: "the image is not on the node and `agent.image_pull_policy` is Never: allow pulls or pre-load it",
  FailedCreate:
    "the cluster refused the agent's pod; if a Pod Security level forbids hostPID or capabilities, try `agent.ephemeral: true` or ask an admin to allow privileged pods in the namespace",
  Forbidden:
    "the cluster refused the agent; if a Pod Security level forbids capabilities, ask an admin, or remove some with `agent.disabled_capabilities`",
  Unschedulable: "no node can run the agent: check `agent.node_selector`, `agent.tolerations` and `agent.resources`",
  StartupTimeout:
    "the cluster may be slow or the node busy: raise `agent.startup_timeout`, or `kubectl describe` the agent's pod",
  AgentNotListening: "the agent's log above says why; check the agent image matches this doppel version",
};

// ---- Errors outside configuration files ----

export const doppelError = {
  configPathNotAbsolute: (variable: string, value: string) =>
    new DoppelError(
      ErrorCode.ConfigPathNotAbsolute,
      `${variable} must be an absolute path, got "${value}"`,
      `set ${variable} to the full path of the file, e.g. /home/me/project/.doppel/doppel.json`,
    ),
  workspaceNotFound: (dir: string) =>
    new DoppelError(
      ErrorCode.WorkspaceNotFound,
      `workspace directory ${dir} does not exist`,
      "pass an existing directory with --workspace",
    ),
  targetInvalid: (input: string, reason: string, grammar: string, suggestion: string | null) =>
    new DoppelError(
      ErrorCode.TargetInvalid,
      `invalid target "${input}": ${reason}${didYouMean(suggestion)}`,
      `a target is ${grammar}`,
    ),
  sessionNeedsRoot: (target: string) =>
    new DoppelError(
      ErrorCode.SessionNeedsRoot,
      `target ${target} is a local process: doppel starts its agent next to it, which needs root on Linux`,
      "run doppel as root (e.g. with sudo), or pick a Kubernetes target",
    ),
  sessionTargetNotFound: (target: string, pid: number) =>
    new DoppelError(
      ErrorCode.SessionTargetNotFound,
      `target ${target}: no process with pid ${pid} is running`,
      "check the pid with `ps -p <pid>`; targets of the form pid/<N> name a running local process",
    ),
  sessionAgentFailed: (what: string) =>
    new DoppelError(
      ErrorCode.SessionAgentFailed,
      `the agent failed: ${what}`,
      "check that the agent is built (`npm run build`) and that the target process still runs; the agent output above says more",
    ),
  sessionLayerMissing: (path: string) =>
    new DoppelError(
      ErrorCode.SessionLayerMissing,
      `the native layer ${path} does not exist`,
      "build it with `make -C native-layer`, or point DOPPEL_LAYER_PATH at libdoppel_layer.so",
    ),
  sessionCommandFailed: (command: string, reason: string) =>
    new DoppelError(
      ErrorCode.SessionCommandFailed,
      `cannot run ${command}: ${reason}`,
      "check the command name and that it is on PATH (the pod's PATH is not used for local commands)",
    ),
  portForwardSpecInvalid: (flag: string, spec: string, reason: string, grammar: string) =>
    new DoppelError(
      ErrorCode.PortForwardSpecInvalid,
      `invalid port-forward argument ${flag} ${spec}: ${reason}`,
      `write it as ${grammar}`,
    ),
  portForwardPortInUse: (address: string, flag: string, spec: string) =>
    new DoppelError(
      ErrorCode.PortForwardPortInUse,
      `cannot listen on ${address} for ${flag} ${spec}: the port is already in use`,
      "stop the program that listens there (`ss -ltnp` shows it) or pick another local port, e.g. -L 18080:host:80",
    ),
  portForwardListenFailed: (address: string, flag: string, spec: string, reason: string) =>
    new DoppelError(
      ErrorCode.PortForwardListenFailed,
      `cannot listen on ${address} for ${flag} ${spec}: ${reason}`,
      "ports below 1024 need root; pick a port from 1024 to 65535",
    ),
  portForwardStealRefused: (spec: string, port: number, reason: string) =>
    new DoppelError(
      ErrorCode.PortForwardStealRefused,
      `-R ${spec}: the target refused to hand over its port ${port}: ${reason}`,
      "another session may steal that port (feature.network.incoming.on_concurrent_steal decides), or the incoming http_filter of the configuration is invalid",
    ),
  portForwardRemoteNeedsTarget: (spec: string) =>
    new DoppelError(
      ErrorCode.PortForwardRemoteNeedsTarget,
      `-R ${spec} needs a target whose incoming traffic it takes, but the session is targetless`,
      "name the workload with -t, e.g. doppel port-forward -t deploy/web -R 80:3000 (-L works targetless)",
    ),
  portForwardNothingToForward: () =>
    new DoppelError(
      ErrorCode.PortForwardNothingToForward,
      "doppel port-forward: nothing to forward",
      "give at least one -L [lport:]host:rport or -R rport[:lport], e.g. doppel port-forward -t deploy/web -L 8080:web:80",
    ),
  ideBadRequest: (what: string, detail: string) =>
    new DoppelError(
      ErrorCode.IdeBadRequest,
      `doppel ide: ${what} ${detail}`,
      "this is a bug in the IDE extension; docs/ide-protocol.md describes what it must send",
    ),
  // ---- Kubernetes ----
  kubeconfigNotFound: (paths: readonly string[], source: string) =>
    new DoppelError(
      ErrorCode.KubeconfigNotFound,
      `no kubeconfig file: ${paths.join(", ")} (from ${source}) does not exist`,
      "pass --kubeconfig <file>, set the `kubeconfig` key or KUBECONFIG, or create ~/.kube/config (your cluster provider's CLI writes it, e.g. `gcloud container clusters get-credentials`)",
    ),
  kubeconfigInvalid: (path: string, detail: string) =>
    new DoppelError(
      ErrorCode.KubeconfigInvalid,
      `kubeconfig ${path} cannot be used: ${detail}`,
      "fix the file (`kubectl --kubeconfig <file> config view` shows how kubectl reads it) or point --kubeconfig at another one",
    ),
  kubeContextNotFound: (context: string, source: string, available: readonly string[], suggestion: string | null) =>
    new DoppelError(
      ErrorCode.KubeContextNotFound,
      `kube context "${context}" is not in ${source}${didYouMean(suggestion)}`,
      available.length === 0
        ? "the kubeconfig has no contexts; add one with `kubectl config set-context`"
        : `pick one of ${available.map((c) => `"${c}"`).join(", ")} with --context or the \`kube_context\` key`,
    ),
  kubeUnreachable: (server: string, context: string, reason: string) =>
    new DoppelError(
      ErrorCode.KubeUnreachable,
      `cannot reach the Kubernetes API server ${server} (context "${context}"): ${reason}`,
      `check that the cluster is running and reachable from here (VPN, bastion, firewall) and that the server address in the kubeconfig is right: \`kubectl --context ${context} cluster-info\``,
    ),
  kubeUnauthorized: (server: string, context: string, user: string) =>
    new DoppelError(
      ErrorCode.KubeUnauthorized,
      `the Kubernetes API server ${server} did not accept the credentials of user "${user}" (context "${context}")`,
      "the token or certificate may have expired: log in again with your cluster provider's CLI, then retry",
    ),
  kubeCredentialsFailed: (user: string, context: string, reason: string) =>
    new DoppelError(
      ErrorCode.KubeCredentialsFailed,
      `cannot get the credentials of user "${user}" (context "${context}"): ${reason}`,
      `the kubeconfig's credential plugin or certificate files failed: check that the plugin is installed and on PATH and log in again with your cluster provider's CLI; \`kubectl --context ${context} get namespaces\` shows the same failure`,
    ),
  kubeForbidden: (verb: string, resource: string, namespace: string | null, user: string, detail: string) =>
    new DoppelError(
      ErrorCode.KubeForbidden,
      `user "${user}" may not ${verb} ${resource}${namespace === null ? "" : ` in namespace ${namespace}`}: ${detail}`,
      `ask a cluster admin for that permission; \`kubectl auth can-i ${verb} ${resource}${namespace === null ? "" : ` -n ${namespace}`}\` checks it`,
    ),
  kubeApiFailed: (what: string, server: string, status: number, detail: string) =>
    new DoppelError(
      ErrorCode.KubeApiFailed,
      `the Kubernetes API server ${server} failed to ${what}: HTTP ${status}: ${detail}`,
      "retry; if it keeps failing, check the API server's health with `kubectl get --raw /readyz?verbose`",
    ),
  kubeNamespaceNotFound: (namespace: string, close: readonly string[]) =>
    new DoppelError(
      ErrorCode.KubeNamespaceNotFound,
      `namespace "${namespace}" does not exist${close.length === 0 ? "" : `; did you mean ${close.map((n) => `"${n}"`).join(" or ")}?`}`,
      "pick an existing namespace with -n / --namespace or `target.namespace`; `doppel ls --all-namespaces` lists them",
    ),
  kubeTargetNotFound: (path: string, namespace: string, reason: string, close: readonly string[]) =>
    new DoppelError(
      ErrorCode.KubeTargetNotFound,
      `target ${path} not found in namespace ${namespace}: ${reason}${close.length === 0 ? "" : `; did you mean ${close.join(", ")}?`}`,
      `\`doppel ls -n ${namespace}\` lists the targets of the namespace`,
    ),
  kubeContainerNotFound: (path: string, pod: string, container: string, available: readonly string[]) =>
    new DoppelError(
      ErrorCode.KubeContainerNotFound,
      `target ${path}: pod ${pod} has no container "${container}"; it has ${available.map((c) => `"${c}"`).join(", ")}`,
      `write the container as ${path.replace(/\/container\/.*$/, "")}/container/<name> with one of those names`,
    ),
  kubeTargetNotReady: (path: string, namespace: string, states: string) =>
    new DoppelError(
      ErrorCode.KubeTargetNotReady,
      `target ${path} in namespace ${namespace} has no running and ready pod (${states})`,
      `wait until a pod is ready (\`kubectl get pods -n ${namespace}\` and \`kubectl describe\` show why not), or pick another target`,
    ),
  kubeTargetRefused: (path: string, namespace: string, reason: string) =>
    new DoppelError(
      ErrorCode.KubeTargetRefused,
      `target ${path} in namespace ${namespace} is refused: ${reason}`,
      "the cluster's owners opted it out of doppel; pick another target or ask them to change the label/annotation",
    ),
  kubePermissionsMissing: (user: string, context: string, missing: readonly string[]) =>
    new DoppelError(
      ErrorCode.KubePermissionsMissing,
      `user "${user}" (context "${context}") lacks permissions this session needs:\n${missing.map((m) => `  - ${m}`).join("\n")}`,
      "ask a cluster admin to grant them (a Role in the namespace, or a ClusterRole); `kubectl auth can-i <verb> <resource> -n <namespace>` checks each",
    ),
  // ---- The agent in the cluster ----
  kubeAgentStartFailed: (where: string, reason: string, detail: string) =>
    new DoppelError(
      ErrorCode.KubeAgentStartFailed,
      `the doppel agent (${where}) did not start: ${detail}`,
      AGENT_START_HINTS[reason] ??
        "`kubectl describe` the agent's pod (label doppel.dev/session) for the cluster's view; the agent.* keys set its image, resources, tolerations and timeouts",
    ),
};
