import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { type ConfigOverrides, loadConfig } from "../config/index.ts";
import packageJson from "../package.json" with { type: "json" };
import {
  AgentLabel,
  type AgentSpecInput,
  agentEphemeralContainer,
  agentJob,
  agentTargetlessPod,
  agentTokenSecret,
  TOKEN_VARIABLE,
} from "./agent-spec.ts";
import type { ResolvedKubeTarget } from "./types.ts";

const target: ResolvedKubeTarget = {
  path: "deployment/web",
  namespace: "shop",
  pod: "web-1",
  podUid: "uid-1",
  container: "app",
  containerId: `containerd://${"a".repeat(64)}`,
  node: "node-7",
  podIp: "10.0.0.7",
  warnings: [],
};

function input(agent: ConfigOverrides["agent"] = {}): AgentSpecInput & { target: ResolvedKubeTarget } {
  const { config } = loadConfig({ path: null, env: {}, overrides: { agent, target: { path: target.path } } });
  return { agent: config.agent, sessionId: "ab12cd34", namespace: "shop", port: 45000, target };
}

describe("agent pod specs from agent.*", () => {
  test("default: a Job on the target's node with hostPID and the four capabilities, removed agent.ttl s after", () => {
    const job = agentJob(input());
    const pod = job.spec?.template.spec;
    const container = pod?.containers[0];
    assert.equal(job.spec?.ttlSecondsAfterFinished, 1);
    assert.equal(job.spec?.backoffLimit, 0);
    assert.equal(pod?.nodeName, "node-7");
    assert.equal(pod?.hostPID, true);
    assert.equal(pod?.restartPolicy, "Never");
    assert.equal(container?.image, `doppel/agent:${packageJson.version}`);
    assert.equal(container?.command, undefined, "the image's entrypoint starts the agent");
    assert.deepEqual(container?.args, [
      "--container-id",
      target.containerId,
      "--listen",
      "127.0.0.1:45000",
      "--token-env",
      TOKEN_VARIABLE,
      "--session",
      "ab12cd34",
      "--communication-timeout",
      "30",
    ]);
    assert.deepEqual(container?.securityContext?.capabilities?.add, [
      "NET_ADMIN",
      "NET_RAW",
      "SYS_PTRACE",
      "SYS_ADMIN",
    ]);
    assert.deepEqual(container?.env?.[0]?.valueFrom?.secretKeyRef, { name: "doppel-agent-ab12cd34", key: "token" });
    assert.equal(JSON.stringify(job).includes("s3cret"), false);
    assert.equal(job.spec?.template.metadata?.labels?.[AgentLabel.session], "ab12cd34");
    assert.equal(job.spec?.template.metadata?.annotations?.["sidecar.istio.io/inject"], "false");
    assert.equal(job.spec?.template.metadata?.annotations?.["linkerd.io/inject"], "disabled");
    assert.equal(pod?.automountServiceAccountToken, false);
  });

  test("every agent.* key lands where Kubernetes reads it", () => {
    const job = agentJob(
      input({
        image: "registry.example/doppel-agent:7",
        image_pull_policy: "Always",
        image_pull_secrets: [{ name: "pull" }],
        ttl: 60,
        disabled_capabilities: ["SYS_ADMIN", "NET_RAW"],
        tolerations: [{ key: "dedicated", operator: "Equal", value: "dev", effect: "NoSchedule" }],
        resources: { requests: { cpu: "5m" }, limits: { memory: "64Mi" } },
        labels: { team: "shop" },
        annotations: { note: "debugging" },
        service_account: "doppel",
        communication_timeout: 7,
      }),
    );
    const pod = job.spec?.template.spec;
    const container = pod?.containers[0];
    assert.equal(container?.image, "registry.example/doppel-agent:7");
    assert.equal(container?.imagePullPolicy, "Always");
    assert.deepEqual(pod?.imagePullSecrets, [{ name: "pull" }]);
    assert.equal(job.spec?.ttlSecondsAfterFinished, 60);
    assert.deepEqual(container?.securityContext?.capabilities?.add, ["NET_ADMIN", "SYS_PTRACE"]);
    assert.deepEqual(pod?.tolerations, [{ key: "dedicated", operator: "Equal", value: "dev", effect: "NoSchedule" }]);
    assert.deepEqual(container?.resources, { requests: { cpu: "5m" }, limits: { memory: "64Mi" } });
    assert.equal(job.spec?.template.metadata?.labels?.team, "shop");
    assert.equal(job.spec?.template.metadata?.annotations?.note, "debugging");
    assert.equal(pod?.serviceAccountName, "doppel");
    assert.equal(pod?.automountServiceAccountToken, true);
    assert.equal(container?.args?.at(-1), "7");
  });

  test("agent.privileged replaces the capability list", () => {
    const container = agentJob(input({ privileged: true })).spec?.template.spec?.containers[0];
    assert.deepEqual(container?.securityContext, { privileged: true });
  });

  test("ephemeral: a container targeting the target's container, no resources (Kubernetes forbids them)", () => {
    const container = agentEphemeralContainer(input({ ephemeral: true }));
    assert.equal(container.targetContainerName, "app");
    assert.equal(container.name, "doppel-agent-ab12cd34");
    assert.equal("resources" in container, false);
    assert.equal(container.args?.[0], "--container-id");
  });

  test("targetless: a plain pod, no host namespaces, no capabilities, placed by agent.node_selector", () => {
    const pod = agentTargetlessPod({ ...input({ node_selector: { zone: "a" } }), target: null });
    assert.equal(pod.kind, "Pod");
    assert.equal(pod.spec?.hostPID, undefined);
    assert.equal(pod.spec?.nodeName, undefined);
    assert.deepEqual(pod.spec?.nodeSelector, { zone: "a" });
    assert.deepEqual(pod.spec?.containers[0]?.securityContext, { allowPrivilegeEscalation: false });
    assert.equal(pod.spec?.containers[0]?.args?.[0], "--targetless");
  });

  test("the token travels in a Secret of the session", () => {
    const secret = agentTokenSecret(input(), "s3cret");
    assert.deepEqual(secret.stringData, { token: "s3cret" });
    assert.equal(secret.metadata?.name, "doppel-agent-ab12cd34");
    assert.equal(secret.metadata?.labels?.[AgentLabel.session], "ab12cd34");
  });
});
