// Waits for a session's agent container to run, watching its pod (and, for a Job, the Job's events: a pod that
// admission rejects never exists, only a FailedCreate event says why). Fails at once with the cluster's own reason
// when the container cannot start — an image that cannot be pulled, a rejected pod, a crash — and otherwise after
// `agent.startup_timeout` with the state it was stuck in.
import { type KubeConfig, type V1ContainerStatus, type V1Pod, Watch } from "@kubernetes/client-node";

export interface AgentContainerRef {
  namespace: string;
  /** Pods to watch: a label selector (the Job's pod) or one pod by name (the ephemeral container's target). */
  selector: { labelSelector: string } | { podName: string };
  container: string;
  ephemeral: boolean;
  /** For a Job: its name, whose FailedCreate events carry admission rejections. */
  jobName?: string;
}

export interface StartupBudget {
  remainingMs: number;
  configuredS: number;
}

/** Why the agent did not start, in the cluster's words; `reason` is the Kubernetes reason (ErrImagePull, …). */
export class AgentStartError extends Error {
  override name = "AgentStartError";
  constructor(
    readonly reason: string,
    message: string,
    readonly pod: string | undefined,
  ) {
    super(message);
  }
}

/** Waiting reasons after which the container will not start on its own (the kubelet retries, but only by luck). */
const FATAL_WAITING_REASONS = new Set([
  "ErrImagePull",
  "ImagePullBackOff",
  "InvalidImageName",
  "ErrImageNeverPull",
  "CreateContainerConfigError",
  "CreateContainerError",
  "RunContainerError",
  "CrashLoopBackOff",
]);

function statusOf(pod: V1Pod, ref: AgentContainerRef): V1ContainerStatus | undefined {
  const statuses = ref.ephemeral ? pod.status?.ephemeralContainerStatuses : pod.status?.containerStatuses;
  return statuses?.find((status) => status.name === ref.container);
}

/** What the pod is waiting for, for the timeout message, with the Kubernetes reason when there is one. */
function describePending(pod: V1Pod, ref: AgentContainerRef): { reason: string | undefined; text: string } {
  const waiting = statusOf(pod, ref)?.state?.waiting;
  if (waiting) {
    const message = waiting.message ? ` (${waiting.message})` : "";
    return { reason: waiting.reason, text: `container ${ref.container} waiting: ${waiting.reason}${message}` };
  }
  const unscheduled = pod.status?.conditions?.find((c) => c.type === "PodScheduled" && c.status === "False");
  if (unscheduled) {
    return {
      reason: unscheduled.reason,
      text: `pod not scheduled: ${unscheduled.reason}: ${unscheduled.message ?? ""}`,
    };
  }
  const phase = `pod ${pod.status?.phase ?? "without status"}${pod.status?.reason ? `: ${pod.status.reason}` : ""}`;
  return { reason: pod.status?.reason, text: phase };
}

type Verdict = { running: true } | { running: false; failure?: AgentStartError };

function judge(pod: V1Pod, ref: AgentContainerRef): Verdict {
  const name = pod.metadata?.name;
  const status = statusOf(pod, ref);
  const state = status?.state;
  if (state?.running) return { running: true };
  if (state?.terminated) {
    const { reason, exitCode, message } = state.terminated;
    return {
      running: false,
      failure: new AgentStartError(
        reason ?? "Terminated",
        `the agent container exited (${reason ?? "terminated"}, exit code ${exitCode})${message ? `: ${message}` : ""}`,
        name,
      ),
    };
  }
  if (state?.waiting?.reason && FATAL_WAITING_REASONS.has(state.waiting.reason)) {
    const { reason, message } = state.waiting;
    return { running: false, failure: new AgentStartError(reason, `${reason}: ${message ?? "no message"}`, name) };
  }
  if (pod.status?.phase === "Failed") {
    const reason = pod.status.reason ?? "Failed";
    return {
      running: false,
      failure: new AgentStartError(reason, `the agent pod failed: ${reason}: ${pod.status.message ?? ""}`, name),
    };
  }
  return { running: false };
}

/** Resolves with the pod the agent container runs in. */
export async function waitForAgentContainer(
  kubeConfig: KubeConfig,
  ref: AgentContainerRef,
  /** What is left of agent.startup_timeout (ms), and the setting itself (s) for messages. */
  budget: StartupBudget,
  signal: AbortSignal,
): Promise<string> {
  const watch = new Watch(kubeConfig);
  const watches: AbortController[] = [];
  let lastSeen = "no agent pod was created yet";
  // A pod still pending at the deadline fails with its own reason (Unschedulable, ContainerCreating …).
  let lastReason: string | undefined;
  let settle: { resolve(pod: string): void; reject(error: Error): void } | undefined;
  const outcome = new Promise<string>((resolve, reject) => {
    settle = { resolve, reject };
  });
  // The verdict may come while the watches are still being opened, before anything awaits it.
  outcome.catch(() => undefined);
  const onPod = (_phase: string, pod: V1Pod) => {
    const verdict = judge(pod, ref);
    if (verdict.running) settle?.resolve(pod.metadata?.name ?? "");
    else if (verdict.failure) settle?.reject(verdict.failure);
    else {
      const pending = describePending(pod, ref);
      lastSeen = `pod ${pod.metadata?.name}: ${pending.text}`;
      lastReason = pending.reason;
    }
  };
  const ended = (what: string) => (error: unknown) => {
    // A watch the API server closed without an error is not news until the outcome is known; an error is.
    if (error)
      settle?.reject(new AgentStartError("WatchFailed", `watching the ${what} failed: ${String(error)}`, undefined));
  };
  const timer = setTimeout(
    () =>
      settle?.reject(
        new AgentStartError(
          lastReason ?? "StartupTimeout",
          `the agent did not start within agent.startup_timeout (${budget.configuredS} s); last seen: ${lastSeen}`,
          undefined,
        ),
      ),
    budget.remainingMs,
  );
  const aborted = () => settle?.reject(new AgentStartError("Interrupted", "the session was interrupted", undefined));
  signal.addEventListener("abort", aborted, { once: true });
  try {
    const podQuery =
      "labelSelector" in ref.selector
        ? { labelSelector: ref.selector.labelSelector }
        : { fieldSelector: `metadata.name=${ref.selector.podName}` };
    watches.push(await watch.watch(`/api/v1/namespaces/${ref.namespace}/pods`, podQuery, onPod, ended("agent pod")));
    if (ref.jobName !== undefined) {
      const onEvent = (_phase: string, event: { reason?: string; message?: string; type?: string }) => {
        if (event.reason === "FailedCreate")
          settle?.reject(
            new AgentStartError(
              "FailedCreate",
              `the agent's Job could not create its pod: ${event.message}`,
              undefined,
            ),
          );
      };
      const eventQuery = { fieldSelector: `involvedObject.kind=Job,involvedObject.name=${ref.jobName}` };
      watches.push(
        await watch.watch(`/api/v1/namespaces/${ref.namespace}/events`, eventQuery, onEvent, ended("Job's events")),
      );
    }
    return await outcome;
  } finally {
    clearTimeout(timer);
    signal.removeEventListener("abort", aborted);
    for (const controller of watches) controller.abort();
  }
}
