// Picks where a session's agent runs from the target path: next to a local process for `pid/<N>`, in the cluster
// for a workload path or `targetless` (the Kubernetes client chosen as kubectl would, flags over config keys).
import type { ResolvedConfig } from "../config/types.gen.ts";
import { kubeAgentPlacement } from "../kube/agent-placement.ts";
import { createKubeClient, kubeClientOptions } from "../kube/client.ts";
import { parseTarget } from "../target/index.ts";
import type { AgentPlacement } from "./agent-placement.ts";
import { localAgentPlacement } from "./local-placement.ts";

export interface TargetPlacementRequest {
  config: ResolvedConfig;
  /** The target path as written (`deploy/web`, `pid/42`, `targetless`). */
  target: string;
  /** --kubeconfig, --context, -n/--namespace of the command, when it has them. */
  kubeFlags?: { kubeconfig?: string; context?: string; namespace?: string };
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Warnings about the target choice, printed before the session starts. */
  warn: (text: string) => void;
}

export function placementForTarget(request: TargetPlacementRequest): AgentPlacement {
  const target = parseTarget(request.target);
  if (target.kind === "pid") return localAgentPlacement(request.target, target.pid);
  const kube = createKubeClient(
    kubeClientOptions(request.config, request.kubeFlags ?? {}, { env: request.env, cwd: request.cwd }),
  );
  return kubeAgentPlacement({
    kube,
    target: target.kind === "targetless" ? null : { path: request.target, kind: target.kind },
    agent: request.config.agent,
    warn: request.warn,
  });
}
