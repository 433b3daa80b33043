// Generated from shared/config/schema.json by shared/config/generate.ts. Do not edit.

/**
 * A doppel configuration file (.doppel/doppel.json, .toml, .yml or .yaml). Every key is optional; an empty file means defaults.
 */
export interface DoppelConfig {
  /**
   * What to impersonate. A target path (`<kind>/<name>[/container/<container>]`, `pid/<N>` for a local process, or `targetless`), or an object with the path and the namespace it lives in. Unset means the IDE asks, and the CLI runs targetless.
   */
  target?: string | TargetConfig;
  feature?: FeatureConfig;
  agent?: AgentConfig;
  /**
   * Path to a kubeconfig file (relative paths are taken from the working directory); `--kubeconfig` overrides it. Unset means `KUBECONFIG` (a colon-separated list, merged as kubectl merges it), then `~/.kube/config`.
   */
  kubeconfig?: string;
  /**
   * Context of the kubeconfig to use; `--context` overrides it. Unset means its current context.
   */
  kube_context?: string;
  /**
   * Accept an API server certificate that does not verify. Unset means the kubeconfig decides.
   */
  accept_invalid_certificates?: boolean;
  /**
   * Names of programs that run without doppel (one name or an array), matched against the name a program is started under and its executable's file name.
   */
  skip_processes?: string | string[];
  /**
   * Common build tools (cc, ld, go, cargo, …) run without doppel.
   */
  skip_build_tools?: boolean;
  /**
   * Address (`host:port`) of an agent that is already running; doppel connects to it instead of starting one.
   */
  connect_tcp?: string;
  internal_proxy?: InternalProxyConfig;
}
export interface TargetConfig {
  /**
   * Target path: `<kind>/<name>[/container/<container>]` with kind pod, deployment (deploy), rollout, statefulset (sts), job, cronjob, replicaset (rs) or service (svc); `pid/<N>` for a local process; or `targetless`.
   */
  path?: string;
  /**
   * Namespace of the target. Unset means the namespace of the current kube context.
   */
  namespace?: string;
}
/**
 * Which parts of the target's context the local process sees.
 */
export interface FeatureConfig {
  network?: NetworkConfig;
  /**
   * File access: a mode (`read`, `write`, `local`, `localwithoverrides`) or an object.
   */
  fs?: ("read" | "write" | "local" | "localwithoverrides") | FsConfig;
  /**
   * The local process starts with the target's environment: true/false or an object.
   */
  env?: boolean | EnvConfig;
  /**
   * The local process sees the target's host name.
   */
  hostname?: boolean;
}
/**
 * Incoming traffic, outgoing connections and DNS.
 */
export interface NetworkConfig {
  /**
   * How traffic that reaches the target reaches the local process: a mode (`mirror`, `steal`, `off`) or an object.
   */
  incoming?: ("mirror" | "steal" | "off") | IncomingConfig;
  outgoing?: OutgoingConfig;
  /**
   * Resolve host names with the target's DNS configuration: true/false or an object.
   */
  dns?: boolean | DnsConfig;
}
export interface IncomingConfig {
  /**
   * `mirror` copies incoming traffic to the local process and drops its responses; `steal` redirects it so the local process answers; `off` leaves incoming traffic alone.
   */
  mode?: "mirror" | "steal" | "off";
  http_filter?: HttpFilterConfig;
  /**
   * Only these remote ports are mirrored or stolen. Cannot be combined with ignore_ports.
   */
  ports?: number[];
  /**
   * These local ports are never subscribed. Cannot be combined with ports.
   */
  ignore_ports?: number[];
  /**
   * Pairs `[local, remote]`: a local process listening on `local` receives the target's traffic for `remote`.
   */
  port_mapping?: [number, number][];
  /**
   * Pairs `[requested, actual]`: when the local process listens on `requested`, it really listens on `actual` on this machine.
   */
  listen_ports?: [number, number][];
  /**
   * Do not subscribe ports the local process binds on a loopback address.
   */
  ignore_localhost?: boolean;
  /**
   * When a port is stolen without an HTTP filter, requests whose User-Agent starts with `kube-probe` (the kubelet's liveness, readiness and startup probes) still reach the target, so stealing does not make Kubernetes restart or unready the pod. Applies to the ports in http_filter.ports.
   */
  pass_probes?: boolean;
  /**
   * What to do when another session already steals the same port: `abort` this session, `continue` without that port, or `override` the other session.
   */
  on_concurrent_steal?: "abort" | "continue" | "override";
  /**
   * In mirror mode, the share of incoming connections copied to the local process, in percent.
   */
  mirror_percent?: number;
}
/**
 * In steal mode, steal only the HTTP requests that match; everything else continues to the target. Set at most one of header_filter, path_filter, all_of, any_of.
 */
export interface HttpFilterConfig {
  /**
   * Regular expression matched against each request header formatted as `Name: value`.
   */
  header_filter?: string;
  /**
   * Regular expression matched against the request path (with query string).
   */
  path_filter?: string;
  /**
   * Steal a request only when every rule matches.
   */
  all_of?: HttpFilterRule[];
  /**
   * Steal a request when at least one rule matches.
   */
  any_of?: HttpFilterRule[];
  /**
   * Ports on which traffic is parsed as HTTP and filtered; other ports are stolen whole.
   */
  ports?: number[];
}
export interface HttpFilterRule {
  /**
   * Regular expression matched against `Name: value` header lines.
   */
  header?: string;
  /**
   * Regular expression matched against the request path.
   */
  path?: string;
}
/**
 * Outgoing connections of the local process leave from the target.
 */
export interface OutgoingConfig {
  /**
   * Send outgoing TCP connections through the target.
   */
  tcp?: boolean;
  /**
   * Send outgoing UDP traffic through the target.
   */
  udp?: boolean;
  /**
   * Which destinations go through the target. `remote`: only these; `local`: all but these. Set one of the two.
   */
  filter?: AddressFilter;
  /**
   * Connections to loopback addresses stay local.
   */
  ignore_localhost?: boolean;
  /**
   * Regular expressions of Unix socket paths whose connections go to the target's sockets.
   */
  unix_streams?: string | string[];
}
export interface AddressFilter {
  /**
   * Destinations that stay local.
   */
  local?: string | string[];
  /**
   * Destinations that go through the target.
   */
  remote?: string | string[];
}
export interface DnsConfig {
  /**
   * Resolve names remotely.
   */
  enabled?: boolean;
  /**
   * Which names are resolved remotely. `remote`: only these; `local`: all but these. Set one of the two.
   */
  filter?: AddressFilter;
}
export interface FsConfig {
  /**
   * `read`: files are read from the target, writes stay local; `write`: reads and writes go to the target; `local`: everything stays local; `localwithoverrides`: local except the paths listed in read_only/read_write.
   */
  mode?: "read" | "write" | "local" | "localwithoverrides";
  /**
   * Regular expressions of paths read and written on the target.
   */
  read_write?: string | string[];
  /**
   * Regular expressions of paths read from the target; opening them for writing stays local.
   */
  read_only?: string | string[];
  /**
   * Regular expressions of paths that always stay local.
   */
  local?: string | string[];
  /**
   * Regular expressions of paths that appear not to exist.
   */
  not_found?: string | string[];
  /**
   * Path rewrites: each key is a regular expression, its value the replacement (`$1` refers to a group).
   */
  mapping?: {
    [k: string]: string | undefined;
  };
}
export interface EnvConfig {
  /**
   * Import the target's environment.
   */
  enabled?: boolean;
  /**
   * Import only these variables: names with `*` and `?` wildcards, as an array or one `;`-separated string.
   */
  include?: string | string[];
  /**
   * Never import these variables: names with `*` and `?` wildcards, as an array or one `;`-separated string.
   */
  exclude?: string | string[];
  /**
   * Variables set to these values regardless of the target.
   */
  override?: {
    [k: string]: string | undefined;
  };
  /**
   * Value rewrites: each key is a regular expression matched against variable values, its value the replacement.
   */
  mapping?: {
    [k: string]: string | undefined;
  };
  /**
   * Variables removed from the local process's environment.
   */
  unset?: string | string[];
  /**
   * A .env file whose variables are applied after the target's.
   */
  env_file?: string;
  /**
   * Read the environment from the target process itself rather than from the pod spec.
   */
  load_from_process?: boolean;
}
/**
 * The helper process doppel runs next to the target.
 */
export interface AgentConfig {
  /**
   * Namespace for a targetless agent. Unset means the namespace of the current kube context.
   */
  namespace?: string;
  /**
   * Agent container image. Unset means `doppel/agent:<this doppel version>`.
   */
  image?: string;
  /**
   * Kubernetes image pull policy of the agent container.
   */
  image_pull_policy?: "Always" | "IfNotPresent" | "Never";
  /**
   * Secrets used to pull the agent image, as `[{ "name": "secret" }]`.
   */
  image_pull_secrets?: ImagePullSecret[];
  /**
   * Seconds the agent's Job is kept after the agent exits (the Job's `ttlSecondsAfterFinished`).
   */
  ttl?: number;
  /**
   * Run the agent as an ephemeral container inside the target pod instead of a Job.
   */
  ephemeral?: boolean;
  /**
   * Seconds the agent keeps running with no client connected; it then removes its rules and exits.
   */
  communication_timeout?: number;
  /**
   * Seconds to wait for the agent to start.
   */
  startup_timeout?: number;
  /**
   * Interface the agent captures on. Unset means the target's default route interface.
   */
  network_interface?: string;
  /**
   * Run the agent container privileged.
   */
  privileged?: boolean;
  /**
   * Linux capabilities the agent must not request.
   */
  disabled_capabilities?: ("SYS_ADMIN" | "SYS_PTRACE" | "NET_RAW" | "NET_ADMIN")[];
  /**
   * Kubernetes tolerations of the agent pod.
   */
  tolerations?: {
    [k: string]: unknown | undefined;
  }[];
  resources?: AgentResources;
  /**
   * Extra labels on the agent pod.
   */
  labels?: {
    [k: string]: string | undefined;
  };
  /**
   * Extra annotations on the agent pod.
   */
  annotations?: {
    [k: string]: string | undefined;
  };
  /**
   * Node selector of the targetless agent pod (an agent for a target runs on the target's node).
   */
  node_selector?: {
    [k: string]: string | undefined;
  };
  /**
   * Service account of the agent pod. Unset means none is mounted: the agent does not talk to the API server.
   */
  service_account?: string;
  /**
   * Agent log level (`error`, `warn`, `info`, `debug`, `trace`).
   */
  log_level?: "error" | "warn" | "info" | "debug" | "trace";
  /**
   * Agent logs as JSON lines.
   */
  json_log?: boolean;
}
export interface ImagePullSecret {
  name: string;
}
/**
 * Kubernetes resource requests and limits of the agent container.
 */
export interface AgentResources {
  /**
   * Requested resources.
   */
  requests?: {
    [k: string]: string | undefined;
  };
  /**
   * Resource limits.
   */
  limits?: {
    [k: string]: string | undefined;
  };
}
/**
 * The local session proxy that sits between the local process and the agent.
 */
export interface InternalProxyConfig {
  /**
   * Seconds the proxy waits for the first local process to connect.
   */
  start_idle_timeout?: number;
  /**
   * Seconds the proxy stays up after the last local process disconnected.
   */
  idle_timeout?: number;
}

/**
 * The configuration after shorthands are expanded, sources merged and defaults filled.
 */
export interface ResolvedConfig {
  target: ResolvedTargetConfig;
  feature: ResolvedFeatureConfig;
  agent: ResolvedAgentConfig;
  /**
   * Path to a kubeconfig file (relative paths are taken from the working directory); `--kubeconfig` overrides it. Unset means `KUBECONFIG` (a colon-separated list, merged as kubectl merges it), then `~/.kube/config`.
   */
  kubeconfig: string | null;
  /**
   * Context of the kubeconfig to use; `--context` overrides it. Unset means its current context.
   */
  kube_context: string | null;
  /**
   * Accept an API server certificate that does not verify. Unset means the kubeconfig decides.
   */
  accept_invalid_certificates: boolean | null;
  /**
   * Names of programs that run without doppel (one name or an array), matched against the name a program is started under and its executable's file name.
   */
  skip_processes: string[] | null;
  /**
   * Common build tools (cc, ld, go, cargo, …) run without doppel.
   */
  skip_build_tools: boolean;
  /**
   * Address (`host:port`) of an agent that is already running; doppel connects to it instead of starting one.
   */
  connect_tcp: string | null;
  internal_proxy: ResolvedInternalProxyConfig;
}
/**
 * What to impersonate. A target path (`<kind>/<name>[/container/<container>]`, `pid/<N>` for a local process, or `targetless`), or an object with the path and the namespace it lives in. Unset means the IDE asks, and the CLI runs targetless.
 */
export interface ResolvedTargetConfig {
  /**
   * Target path: `<kind>/<name>[/container/<container>]` with kind pod, deployment (deploy), rollout, statefulset (sts), job, cronjob, replicaset (rs) or service (svc); `pid/<N>` for a local process; or `targetless`.
   */
  path: string | null;
  /**
   * Namespace of the target. Unset means the namespace of the current kube context.
   */
  namespace: string | null;
}
/**
 * Which parts of the target's context the local process sees.
 */
export interface ResolvedFeatureConfig {
  network: ResolvedNetworkConfig;
  fs: ResolvedFsConfig;
  env: ResolvedEnvConfig;
  /**
   * The local process sees the target's host name.
   */
  hostname: boolean;
}
/**
 * Incoming traffic, outgoing connections and DNS.
 */
export interface ResolvedNetworkConfig {
  incoming: ResolvedIncomingConfig;
  outgoing: ResolvedOutgoingConfig;
  dns: ResolvedDnsConfig;
}
/**
 * How traffic that reaches the target reaches the local process: a mode (`mirror`, `steal`, `off`) or an object.
 */
export interface ResolvedIncomingConfig {
  /**
   * `mirror` copies incoming traffic to the local process and drops its responses; `steal` redirects it so the local process answers; `off` leaves incoming traffic alone.
   */
  mode: "mirror" | "steal" | "off";
  http_filter: ResolvedHttpFilterConfig;
  /**
   * Only these remote ports are mirrored or stolen. Cannot be combined with ignore_ports.
   */
  ports: number[] | null;
  /**
   * These local ports are never subscribed. Cannot be combined with ports.
   */
  ignore_ports: number[] | null;
  /**
   * Pairs `[local, remote]`: a local process listening on `local` receives the target's traffic for `remote`.
   */
  port_mapping: [number, number][] | null;
  /**
   * Pairs `[requested, actual]`: when the local process listens on `requested`, it really listens on `actual` on this machine.
   */
  listen_ports: [number, number][] | null;
  /**
   * Do not subscribe ports the local process binds on a loopback address.
   */
  ignore_localhost: boolean;
  /**
   * When a port is stolen without an HTTP filter, requests whose User-Agent starts with `kube-probe` (the kubelet's liveness, readiness and startup probes) still reach the target, so stealing does not make Kubernetes restart or unready the pod. Applies to the ports in http_filter.ports.
   */
  pass_probes: boolean;
  /**
   * What to do when another session already steals the same port: `abort` this session, `continue` without that port, or `override` the other session.
   */
  on_concurrent_steal: "abort" | "continue" | "override";
  /**
   * In mirror mode, the share of incoming connections copied to the local process, in percent.
   */
  mirror_percent: number;
}
/**
 * In steal mode, steal only the HTTP requests that match; everything else continues to the target. Set at most one of header_filter, path_filter, all_of, any_of.
 */
export interface ResolvedHttpFilterConfig {
  /**
   * Regular expression matched against each request header formatted as `Name: value`.
   */
  header_filter: string | null;
  /**
   * Regular expression matched against the request path (with query string).
   */
  path_filter: string | null;
  /**
   * Steal a request only when every rule matches.
   */
  all_of: ResolvedHttpFilterRule[] | null;
  /**
   * Steal a request when at least one rule matches.
   */
  any_of: ResolvedHttpFilterRule[] | null;
  /**
   * Ports on which traffic is parsed as HTTP and filtered; other ports are stolen whole.
   */
  ports: number[];
}
export interface ResolvedHttpFilterRule {
  /**
   * Regular expression matched against `Name: value` header lines.
   */
  header: string | null;
  /**
   * Regular expression matched against the request path.
   */
  path: string | null;
}
/**
 * Outgoing connections of the local process leave from the target.
 */
export interface ResolvedOutgoingConfig {
  /**
   * Send outgoing TCP connections through the target.
   */
  tcp: boolean;
  /**
   * Send outgoing UDP traffic through the target.
   */
  udp: boolean;
  /**
   * Which destinations go through the target. `remote`: only these; `local`: all but these. Set one of the two.
   */
  filter: ResolvedAddressFilter | null;
  /**
   * Connections to loopback addresses stay local.
   */
  ignore_localhost: boolean;
  /**
   * Regular expressions of Unix socket paths whose connections go to the target's sockets.
   */
  unix_streams: string[] | null;
}
export interface ResolvedAddressFilter {
  /**
   * Destinations that stay local.
   */
  local: string[] | null;
  /**
   * Destinations that go through the target.
   */
  remote: string[] | null;
}
/**
 * Resolve host names with the target's DNS configuration: true/false or an object.
 */
export interface ResolvedDnsConfig {
  /**
   * Resolve names remotely.
   */
  enabled: boolean;
  /**
   * Which names are resolved remotely. `remote`: only these; `local`: all but these. Set one of the two.
   */
  filter: ResolvedAddressFilter | null;
}
/**
 * File access: a mode (`read`, `write`, `local`, `localwithoverrides`) or an object.
 */
export interface ResolvedFsConfig {
  /**
   * `read`: files are read from the target, writes stay local; `write`: reads and writes go to the target; `local`: everything stays local; `localwithoverrides`: local except the paths listed in read_only/read_write.
   */
  mode: "read" | "write" | "local" | "localwithoverrides";
  /**
   * Regular expressions of paths read and written on the target.
   */
  read_write: string[] | null;
  /**
   * Regular expressions of paths read from the target; opening them for writing stays local.
   */
  read_only: string[] | null;
  /**
   * Regular expressions of paths that always stay local.
   */
  local: string[] | null;
  /**
   * Regular expressions of paths that appear not to exist.
   */
  not_found: string[] | null;
  /**
   * Path rewrites: each key is a regular expression, its value the replacement (`$1` refers to a group).
   */
  mapping: {
    [k: string]: string | undefined;
  } | null;
}
/**
 * The local process starts with the target's environment: true/false or an object.
 */
export interface ResolvedEnvConfig {
  /**
   * Import the target's environment.
   */
  enabled: boolean;
  /**
   * Import only these variables: names with `*` and `?` wildcards, as an array or one `;`-separated string.
   */
  include: string[] | null;
  /**
   * Never import these variables: names with `*` and `?` wildcards, as an array or one `;`-separated string.
   */
  exclude: string[] | null;
  /**
   * Variables set to these values regardless of the target.
   */
  override: {
    [k: string]: string | undefined;
  } | null;
  /**
   * Value rewrites: each key is a regular expression matched against variable values, its value the replacement.
   */
  mapping: {
    [k: string]: string | undefined;
  } | null;
  /**
   * Variables removed from the local process's environment.
   */
  unset: string[] | null;
  /**
   * A .env file whose variables are applied after the target's.
   */
  env_file: string | null;
  /**
   * Read the environment from the target process itself rather than from the pod spec.
   */
  load_from_process: boolean;
}
/**
 * The helper process doppel runs next to the target.
 */
export interface ResolvedAgentConfig {
  /**
   * Namespace for a targetless agent. Unset means the namespace of the current kube context.
   */
  namespace: string | null;
  /**
   * Agent container image. Unset means `doppel/agent:<this doppel version>`.
   */
  image: string | null;
  /**
   * Kubernetes image pull policy of the agent container.
   */
  image_pull_policy: "Always" | "IfNotPresent" | "Never";
  /**
   * Secrets used to pull the agent image, as `[{ "name": "secret" }]`.
   */
  image_pull_secrets: ResolvedImagePullSecret[] | null;
  /**
   * Seconds the agent's Job is kept after the agent exits (the Job's `ttlSecondsAfterFinished`).
   */
  ttl: number;
  /**
   * Run the agent as an ephemeral container inside the target pod instead of a Job.
   */
  ephemeral: boolean;
  /**
   * Seconds the agent keeps running with no client connected; it then removes its rules and exits.
   */
  communication_timeout: number;
  /**
   * Seconds to wait for the agent to start.
   */
  startup_timeout: number;
  /**
   * Interface the agent captures on. Unset means the target's default route interface.
   */
  network_interface: string | null;
  /**
   * Run the agent container privileged.
   */
  privileged: boolean;
  /**
   * Linux capabilities the agent must not request.
   */
  disabled_capabilities: ("SYS_ADMIN" | "SYS_PTRACE" | "NET_RAW" | "NET_ADMIN")[] | null;
  /**
   * Kubernetes tolerations of the agent pod.
   */
  tolerations: {
    [k: string]: unknown | undefined;
  }[];
  resources: ResolvedAgentResources;
  /**
   * Extra labels on the agent pod.
   */
  labels: {
    [k: string]: string | undefined;
  } | null;
  /**
   * Extra annotations on the agent pod.
   */
  annotations: {
    [k: string]: string | undefined;
  } | null;
  /**
   * Node selector of the targetless agent pod (an agent for a target runs on the target's node).
   */
  node_selector: {
    [k: string]: string | undefined;
  } | null;
  /**
   * Service account of the agent pod. Unset means none is mounted: the agent does not talk to the API server.
   */
  service_account: string | null;
  /**
   * Agent log level (`error`, `warn`, `info`, `debug`, `trace`).
   */
  log_level: "error" | "warn" | "info" | "debug" | "trace";
  /**
   * Agent logs as JSON lines.
   */
  json_log: boolean;
}
export interface ResolvedImagePullSecret {
  name: string;
}
/**
 * Kubernetes resource requests and limits of the agent container.
 */
export interface ResolvedAgentResources {
  /**
   * Requested resources.
   */
  requests: {
    [k: string]: string | undefined;
  } | null;
  /**
   * Resource limits.
   */
  limits: {
    [k: string]: string | undefined;
  } | null;
}
/**
 * The local session proxy that sits between the local process and the agent.
 */
export interface ResolvedInternalProxyConfig {
  /**
   * Seconds the proxy waits for the first local process to connect.
   */
  start_idle_timeout: number;
  /**
   * Seconds the proxy stays up after the last local process disconnected.
   */
  idle_timeout: number;
}
