// The Kubernetes objects that run a session's agent, built from the `agent.*` configuration as plain data (no API
// calls here): (a) a Job pinned to the target's node with the node's PID namespace, (b) an ephemeral container in
// the target pod, (c) for targetless sessions a plain pod (no added capabilities, no host namespaces).
// The session token reaches the agent from a Secret through an environment variable, so it is in no pod spec.
import type {
  V1Container,
  V1EphemeralContainer,
  V1Job,
  V1ObjectMeta,
  V1Pod,
  V1PodSpec,
  V1Secret,
} from "@kubernetes/client-node";
import type { ResolvedAgentConfig } from "../config/types.gen.ts";
import packageJson from "../package.json" with { type: "json" };
import type { ResolvedKubeTarget } from "./types.ts";

/** The agent image of this doppel release, used when `agent.image` is unset. */
export const DEFAULT_AGENT_IMAGE = `doppel/agent:${packageJson.version}`;

/** What the agent needs in a cluster: hostPID plus these; `agent.disabled_capabilities` removes some. */
export const AGENT_CAPABILITIES = ["NET_ADMIN", "NET_RAW", "SYS_PTRACE", "SYS_ADMIN"] as const;

/** The variable the agent reads its token from (`--token-env`). */
export const TOKEN_VARIABLE = "DOPPEL_AGENT_TOKEN";
const TOKEN_KEY = "token";

export const AgentLabel = {
  session: "doppel.dev/session",
  component: "app.kubernetes.io/component",
  managedBy: "app.kubernetes.io/managed-by",
} as const;

/**
 * Keep service meshes from injecting a sidecar into the agent's pod: a sidecar would hold the Job open after the
 * agent exits and its init container would rewrite the pod's traffic. Istio reads the label (newer) or annotation.
 */
const MESH_OPT_OUT_ANNOTATIONS: Readonly<Record<string, string>> = {
  "sidecar.istio.io/inject": "false",
  "linkerd.io/inject": "disabled",
  "kuma.io/sidecar-injection": "disabled",
  "consul.hashicorp.com/connect-inject": "false",
  "appmesh.k8s.aws/sidecarInjectorWebhook": "disabled",
};
const MESH_OPT_OUT_LABELS: Readonly<Record<string, string>> = { "sidecar.istio.io/inject": "false" };

export type AgentPlacementKind = "job" | "ephemeral" | "targetless";

export interface AgentSpecInput {
  agent: ResolvedAgentConfig;
  sessionId: string;
  /** Where the agent's objects live: the target's namespace, or the targetless namespace. */
  namespace: string;
  /** The port the agent listens on, on loopback inside its pod (reached by port-forward only). */
  port: number;
  /** null for a targetless session. */
  target: ResolvedKubeTarget | null;
}

export function agentPlacementKind(input: Pick<AgentSpecInput, "agent" | "target">): AgentPlacementKind {
  if (input.target === null) return "targetless";
  return input.agent.ephemeral ? "ephemeral" : "job";
}

/** Names of the session's objects: the Job (and its pod's prefix), the ephemeral container, the Secret. */
export function agentObjectName(sessionId: string): string {
  return `doppel-agent-${sessionId}`;
}

function defined(map: Record<string, string | undefined> | null): Record<string, string> {
  return Object.fromEntries(
    Object.entries(map ?? {}).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
}

function labelsOf(input: AgentSpecInput): Record<string, string> {
  return {
    ...defined(input.agent.labels),
    ...MESH_OPT_OUT_LABELS,
    [AgentLabel.component]: "doppel-agent",
    [AgentLabel.managedBy]: "doppel",
    [AgentLabel.session]: input.sessionId,
  };
}

function annotationsOf(input: AgentSpecInput): Record<string, string> {
  return {
    ...defined(input.agent.annotations),
    ...MESH_OPT_OUT_ANNOTATIONS,
    ...(input.target ? { "doppel.dev/target": `${input.target.namespace}/${input.target.path}` } : {}),
  };
}

function agentArgs(input: AgentSpecInput): string[] {
  const target = input.target === null ? ["--targetless"] : ["--container-id", input.target.containerId];
  return [
    ...target,
    "--listen",
    `127.0.0.1:${input.port}`,
    "--token-env",
    TOKEN_VARIABLE,
    "--session",
    input.sessionId,
    "--communication-timeout",
    String(input.agent.communication_timeout),
  ];
}

/** The fields every placement's container shares; `args` only, so the image's entrypoint starts the agent. */
function containerBase(input: AgentSpecInput) {
  const placement = agentPlacementKind(input);
  const disabled = new Set(input.agent.disabled_capabilities ?? []);
  const securityContext =
    placement === "targetless"
      ? { allowPrivilegeEscalation: false }
      : input.agent.privileged
        ? { privileged: true }
        : { capabilities: { add: AGENT_CAPABILITIES.filter((capability) => !disabled.has(capability)) } };
  return {
    name: agentObjectName(input.sessionId),
    image: input.agent.image ?? DEFAULT_AGENT_IMAGE,
    imagePullPolicy: input.agent.image_pull_policy,
    args: agentArgs(input),
    env: [
      {
        name: TOKEN_VARIABLE,
        valueFrom: { secretKeyRef: { name: agentObjectName(input.sessionId), key: TOKEN_KEY } },
      },
    ],
    securityContext,
  };
}

/** The Secret holding the session token; the caller makes the agent's Job (or the target pod) its owner. */
export function agentTokenSecret(input: AgentSpecInput, token: string): V1Secret {
  return {
    apiVersion: "v1",
    kind: "Secret",
    metadata: { name: agentObjectName(input.sessionId), namespace: input.namespace, labels: labelsOf(input) },
    type: "Opaque",
    stringData: { [TOKEN_KEY]: token },
  };
}

/** The agent pod's spec: (a) on the target's node with hostPID, (c) anywhere `agent.node_selector` allows. */
function agentPodSpec(input: AgentSpecInput): V1PodSpec {
  const { agent, target } = input;
  const container: V1Container = {
    ...containerBase(input),
    resources: { requests: defined(agent.resources.requests), limits: defined(agent.resources.limits) },
  };
  return {
    restartPolicy: "Never",
    containers: [container],
    tolerations: agent.tolerations,
    // The agent talks to no API server; its pod needs no credentials unless a service account is asked for.
    automountServiceAccountToken: agent.service_account !== null,
    ...(agent.service_account === null ? {} : { serviceAccountName: agent.service_account }),
    ...(agent.image_pull_secrets === null ? {} : { imagePullSecrets: agent.image_pull_secrets }),
    terminationGracePeriodSeconds: 10,
    ...(target === null ? { nodeSelector: defined(agent.node_selector) } : { nodeName: target.node, hostPID: true }),
  };
}

function metadataOf(input: AgentSpecInput): V1ObjectMeta {
  return {
    name: agentObjectName(input.sessionId),
    namespace: input.namespace,
    labels: labelsOf(input),
    annotations: annotationsOf(input),
  };
}

/** (a): the agent's Job. Its pod never restarts and the Job is deleted `agent.ttl` s after it ends. */
export function agentJob(input: AgentSpecInput & { target: ResolvedKubeTarget }): V1Job {
  return {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: metadataOf(input),
    spec: {
      ttlSecondsAfterFinished: input.agent.ttl,
      backoffLimit: 0,
      template: { metadata: { labels: labelsOf(input), annotations: annotationsOf(input) }, spec: agentPodSpec(input) },
    },
  };
}

/** (c): a targetless session's agent, a plain pod serving its own network, DNS and files. */
export function agentTargetlessPod(input: AgentSpecInput): V1Pod {
  return { apiVersion: "v1", kind: "Pod", metadata: metadataOf(input), spec: agentPodSpec(input) };
}

/**
 * (b): an ephemeral container in the target pod, sharing the target container's PID namespace. Ephemeral
 * containers take no resources and cannot be removed; it ends when the agent exits.
 */
export function agentEphemeralContainer(input: AgentSpecInput & { target: ResolvedKubeTarget }): V1EphemeralContainer {
  return { ...containerBase(input), targetContainerName: input.target.container };
}
