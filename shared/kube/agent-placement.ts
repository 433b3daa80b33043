// The placement of a cluster session: resolves the target, checks permissions (pre-flight), creates the token
// Secret and the agent (a Job on the target's node, an ephemeral container in the target pod, or a plain pod for
// targetless), waits until it runs and listens, and forwards a loopback port to it through the API server.
// stop() deletes what it created; the Job's ttlSecondsAfterFinished and the Secret's owner are the safety net when
// the CLI dies (the agent itself exits after agent.communication_timeout without a client).
import { randomInt } from "node:crypto";
import { Writable } from "node:stream";
import { Log, type V1OwnerReference, type V1Pod } from "@kubernetes/client-node";
import type { ResolvedAgentConfig } from "../config/types.gen.ts";
import { DoppelError, doppelError } from "../errors.ts";
import type { AgentPlacement, PlacedAgent, PlacementOptions, SessionSecret } from "../session/agent-placement.ts";
import type { WorkloadKind } from "../target/index.ts";
import {
  AgentLabel,
  type AgentSpecInput,
  agentEphemeralContainer,
  agentJob,
  agentObjectName,
  agentPlacementKind,
  agentTargetlessPod,
  agentTokenSecret,
  DEFAULT_AGENT_IMAGE,
} from "./agent-spec.ts";
import { AgentStartError, type StartupBudget, waitForAgentContainer } from "./agent-startup.ts";
import { apiStatusOf } from "./api-errors.ts";
import type { KubeClient } from "./client.ts";
import { PodPortForward } from "./port-forward.ts";
import { checkSessionPermissions } from "./preflight.ts";
import { resolveTarget } from "./resolve-target.ts";
import type { ResolvedKubeTarget } from "./types.ts";

export interface KubeAgentPlacementOptions {
  kube: KubeClient;
  /** The target path and kind, or null for targetless. */
  target: { path: string; kind: WorkloadKind } | null;
  agent: ResolvedAgentConfig;
  /** Warnings about the target choice (a pod picked at random…). */
  warn: (text: string) => void;
}

/** The agent listens on this port range inside its pod; random so an ephemeral agent rarely meets an app's port. */
const AGENT_PORT_RANGE = [40_000, 60_000] as const;
const LOG_TAIL_LINES = 20;

/** Resolves once the agent printed its listening line in the container log; rejects if the log ends first. */
async function awaitListening(
  kube: KubeClient,
  namespace: string,
  pod: string,
  container: string,
  /** What is left of agent.startup_timeout (ms), and the setting itself (s) for messages. */
  budget: StartupBudget,
): Promise<void> {
  let buffered = "";
  let settle: { resolve(): void; reject(error: Error): void } | undefined;
  const listening = new Promise<void>((resolve, reject) => {
    settle = { resolve, reject };
  });
  // The line (or the log's end) may come while the log request is still being opened.
  listening.catch(() => undefined);
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      buffered += chunk.toString("utf8");
      if (buffered.includes('{"listening":')) settle?.resolve();
      done();
    },
    final(done) {
      settle?.reject(
        new AgentStartError(
          "AgentNotListening",
          `the agent exited before it listened; its log:\n${buffered.trim()}`,
          pod,
        ),
      );
      done();
    },
  });
  const timer = setTimeout(
    () =>
      settle?.reject(
        new AgentStartError(
          "StartupTimeout",
          `the agent runs but did not listen within agent.startup_timeout (${budget.configuredS} s); its log:\n${buffered.trim()}`,
          pod,
        ),
      ),
    budget.remainingMs,
  );
  const follow = await new Log(kube.config).log(namespace, pod, container, sink, { follow: true });
  try {
    await listening;
  } finally {
    clearTimeout(timer);
    follow.abort();
  }
}

export function kubeAgentPlacement(options: KubeAgentPlacementOptions): AgentPlacement {
  const { kube, agent } = options;
  const namespace = options.target === null ? (agent.namespace ?? kube.namespace) : kube.namespace;
  return {
    description:
      options.target === null
        ? `for a targetless session in namespace ${namespace}`
        : `for ${options.target.path} in namespace ${namespace}`,
    async place(session: SessionSecret, placement: PlacementOptions): Promise<PlacedAgent> {
      const deadline = Date.now() + placement.startupTimeoutMs;
      let target: ResolvedKubeTarget | null = null;
      if (options.target !== null) {
        placement.progress(`resolving ${options.target.path} in namespace ${namespace}`);
        target = await resolveTarget(kube, options.target.path, namespace);
        for (const warning of target.warnings) options.warn(warning);
      }
      const input: AgentSpecInput = {
        agent,
        sessionId: session.id,
        namespace,
        port: randomInt(AGENT_PORT_RANGE[0], AGENT_PORT_RANGE[1]),
        target,
      };
      const kind = agentPlacementKind(input);
      placement.progress(`checking permissions in namespace ${namespace}`);
      await checkSessionPermissions(kube, { mode: kind, namespace, targetKind: options.target?.kind ?? null });
      const cluster = new ClusterAgent(kube, input, session.token, options.warn);
      try {
        placement.progress(cluster.creating());
        await cluster.create();
        placement.progress(`waiting for the agent to start (${cluster.where})`);
        const budget = (): StartupBudget => ({
          remainingMs: Math.max(1, deadline - Date.now()),
          configuredS: placement.startupTimeoutMs / 1000,
        });
        const pod = await waitForAgentContainer(kube.config, cluster.containerRef(), budget(), placement.signal);
        await awaitListening(kube, namespace, pod, agentObjectName(session.id), budget());
        placement.progress(`connecting to the agent through the API server (pod ${pod})`);
        const forward = await PodPortForward.start({ kubeConfig: kube.config, namespace, pod, port: input.port });
        cluster.forward = forward;
        return {
          host: forward.host,
          port: forward.port,
          where: cluster.where,
          transportError: () => forward.lastError,
          stop: () => cluster.remove(),
        };
      } catch (error) {
        await cluster.remove();
        throw await cluster.explain(error);
      }
    },
  };
}

/** The objects of one cluster agent: created, explained when they fail, removed. */
class ClusterAgent {
  forward: PodPortForward | undefined;
  #removed: Promise<void> | undefined;
  readonly #kind: ReturnType<typeof agentPlacementKind>;
  readonly #name: string;
  #pod: string | undefined;

  constructor(
    private readonly kube: KubeClient,
    private readonly input: AgentSpecInput,
    private readonly token: string,
    private readonly warn: (text: string) => void,
  ) {
    this.#kind = agentPlacementKind(input);
    this.#name = agentObjectName(input.sessionId);
  }

  get where(): string {
    const { namespace, target } = this.input;
    if (this.#kind === "ephemeral")
      return `ephemeral container ${this.#name} in pod ${target?.pod} (namespace ${namespace})`;
    if (this.#kind === "job") return `Job ${this.#name} on node ${target?.node} (namespace ${namespace})`;
    return `pod ${this.#name} (namespace ${namespace})`;
  }

  creating(): string {
    return `creating the agent: ${this.where}`;
  }

  containerRef() {
    const { namespace, target, sessionId } = this.input;
    return this.#kind === "ephemeral"
      ? { namespace, selector: { podName: target?.pod ?? "" }, container: this.#name, ephemeral: true }
      : {
          namespace,
          selector: { labelSelector: `${AgentLabel.session}=${sessionId}` },
          container: this.#name,
          ephemeral: false,
          ...(this.#kind === "job" ? { jobName: this.#name } : {}),
        };
  }

  async create(): Promise<void> {
    const { kube, input } = this;
    const { namespace, target } = input;
    const secret = agentTokenSecret(input, this.token);
    if (this.#kind === "ephemeral" && target) {
      // The Secret lives as long as the target pod at most; the session deletes it sooner.
      secret.metadata = { ...secret.metadata, ownerReferences: [ownerOf("v1", "Pod", target.pod, target.podUid)] };
    }
    await kube.request({ verb: "create", resource: "secrets", namespace, name: this.#name }, () =>
      kube.core.createNamespacedSecret({ namespace, body: secret }),
    );
    if (this.#kind === "ephemeral" && target) {
      this.#pod = target.pod;
      const pod: V1Pod = await kube.request({ verb: "get", resource: "pods", namespace, name: target.pod }, () =>
        kube.core.readNamespacedPod({ namespace, name: target.pod }),
      );
      // A JSON patch (RBAC verb "patch", as kubectl debug needs) that applies only to the pod as read: the "test"
      // makes a concurrent change fail instead of being overwritten.
      const body = [
        { op: "test", path: "/metadata/resourceVersion", value: pod.metadata?.resourceVersion },
        {
          op: "add",
          path: "/spec/ephemeralContainers",
          value: [...(pod.spec?.ephemeralContainers ?? []), agentEphemeralContainer({ ...input, target })],
        },
      ];
      await this.#admitted(() =>
        kube.request({ verb: "patch", resource: "pods/ephemeralcontainers", namespace, name: target.pod }, () =>
          kube.core.patchNamespacedPodEphemeralcontainers({ namespace, name: target.pod, body }),
        ),
      );
      return;
    }
    const owner =
      this.#kind === "job" && target
        ? await kube.request({ verb: "create", resource: "jobs.batch", namespace, name: this.#name }, async () => {
            const job = await kube.batch.createNamespacedJob({ namespace, body: agentJob({ ...input, target }) });
            return ownerOf("batch/v1", "Job", this.#name, job.metadata?.uid ?? "");
          })
        : await this.#admitted(async () => {
            this.#pod = this.#name;
            const pod = await kube.request({ verb: "create", resource: "pods", namespace, name: this.#name }, () =>
              kube.core.createNamespacedPod({ namespace, body: agentTargetlessPod(input) }),
            );
            return ownerOf("v1", "Pod", this.#name, pod.metadata?.uid ?? "");
          });
    // The Secret goes with the agent's Job or pod (garbage collection), also when the CLI is killed.
    await kube.request({ verb: "patch", resource: "secrets", namespace, name: this.#name }, () =>
      kube.core.patchNamespacedSecret({
        namespace,
        name: this.#name,
        body: [{ op: "add", path: "/metadata/ownerReferences", value: [owner] }],
      }),
    );
  }

  /** Runs a create/patch whose rejection by admission (Pod Security, a webhook) is an agent start failure. */
  async #admitted<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      // The API server's own words ("pods "x" is forbidden: violates PodSecurity …", or a webhook's denial),
      // without the RBAC framing of a forbidden request: the user may create pods, this pod is what was refused.
      const refused =
        error instanceof DoppelError
          ? /\bpods? "[^"]*" is forbidden: (violates PodSecurity|admission webhook).*/s.exec(error.message)
          : null;
      if (refused) throw new AgentStartError("Forbidden", refused[0], undefined);
      throw error;
    }
  }

  /** A doppel error for a failed start, with the agent's log when its container ran. */
  async explain(error: unknown): Promise<unknown> {
    if (!(error instanceof AgentStartError)) return error;
    if (error.reason === "Interrupted") return error;
    let detail = error.message;
    const pod = error.pod ?? this.#pod;
    if (error.reason !== "AgentNotListening" && pod !== undefined && /exited|Error|Crash/.test(error.message)) {
      const log = await this.kube.core
        .readNamespacedPodLog({
          namespace: this.input.namespace,
          name: pod,
          container: this.#name,
          tailLines: LOG_TAIL_LINES,
        })
        .catch(() => "");
      if (log.trim() !== "") detail += `; its log:\n${log.trim()}`;
    }
    const image = this.input.agent.image ?? DEFAULT_AGENT_IMAGE;
    return doppelError.kubeAgentStartFailed(`${this.where}, image ${image}`, error.reason, detail);
  }

  /** Deletes the Job (its pod with it) or the targetless pod, and the Secret; 404s are fine. */
  remove(): Promise<void> {
    this.#removed ??= (async () => {
      await this.forward?.close();
      const { kube } = this;
      const { namespace } = this.input;
      const name = this.#name;
      // Already gone (404) is the goal; anything else is worth a warning, the ttl and owners still clean up.
      const gone = (what: string, call: () => Promise<unknown>) =>
        call().catch((error: unknown) => {
          if (apiStatusOf(error) !== 404) this.warn(`could not delete the agent's ${what} ${name}: ${String(error)}`);
        });
      await Promise.all([
        this.#kind === "job"
          ? gone("Job", () => kube.batch.deleteNamespacedJob({ namespace, name, propagationPolicy: "Background" }))
          : undefined,
        this.#kind === "targetless"
          ? gone("pod", () => kube.core.deleteNamespacedPod({ namespace, name, gracePeriodSeconds: 5 }))
          : undefined,
        gone("Secret", () => kube.core.deleteNamespacedSecret({ namespace, name })),
      ]);
    })();
    return this.#removed;
  }
}

function ownerOf(apiVersion: string, kind: string, name: string, uid: string): V1OwnerReference {
  return { apiVersion, kind, name, uid };
}
