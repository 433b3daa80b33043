// Targets on the cluster test bed (real API server, RBAC and controllers): `doppel ls` as a process, resolveTarget,
// the mirror policy, pre-flight, and the errors a user meets (unknown target, not ready, unreachable cluster,
// restricted user). One namespace holds every kind of target; a second one is labelled doppel.dev/mirror=disabled.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { parse, stringify } from "yaml";
import { type ClusterForTests, useCluster, viewerKubeconfig } from "../../test/cluster/testing.ts";
import type { LsOutput } from "../cli/commands/ls.ts";
import { DoppelError, ErrorCode } from "../errors.ts";
import { createKubeClient, type KubeClient } from "./client.ts";
import { checkSessionPermissions } from "./preflight.ts";
import { resolveTarget } from "./resolve-target.ts";

// Every kind of target, plus the ones that must not be offered: a pod that never gets ready, a Deployment whose
// pod is never scheduled, a pod that opted out, a suspended CronJob. Containers run host binaries.
const FIXTURE = `
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - {name: app, image: "doppel/sample-app:1", readinessProbe: {httpGet: {path: /, port: 8080}, periodSeconds: 1}}
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec: {selector: {app: web}, ports: [{port: 80, targetPort: 8080}]}
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db}
spec:
  serviceName: db
  replicas: 1
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec:
      containers: [{name: store, image: busybox, command: [sleep, "3600"]}]
---
apiVersion: v1
kind: Pod
metadata: {name: multi}
spec:
  containers:
  - {name: app, image: "doppel/sample-app:1"}
  - {name: worker, image: busybox, command: [sleep, "3600"]}
  - {name: istio-proxy, image: busybox, command: [sleep, "3600"]}
---
apiVersion: v1
kind: Pod
metadata: {name: unready}
spec:
  containers:
  - {name: app, image: "doppel/sample-app:1", readinessProbe: {tcpSocket: {port: 9}, periodSeconds: 1}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: pending}
spec:
  replicas: 1
  selector: {matchLabels: {app: pending}}
  template:
    metadata: {labels: {app: pending}}
    spec:
      schedulerName: dpl-unscheduled
      containers: [{name: app, image: busybox, command: [sleep, "3600"]}]
---
apiVersion: v1
kind: Pod
metadata: {name: optout, annotations: {doppel.dev/mirror: "false"}}
spec:
  containers: [{name: app, image: busybox, command: [sleep, "3600"]}]
---
apiVersion: batch/v1
kind: CronJob
metadata: {name: nightly}
spec:
  schedule: "0 0 1 1 *"
  suspend: true
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: Never
          containers: [{name: task, image: busybox, command: [sleep, "1"]}]
`;

const OPTED_OUT_FIXTURE = `
apiVersion: v1
kind: Pod
metadata: {name: app}
spec:
  containers: [{name: app, image: busybox, command: [sleep, "3600"]}]
`;

const main = fileURLToPath(new URL("../cli/main.ts", import.meta.url));
const tsxLoader = import.meta.resolve("tsx");
const dir = mkdtempSync(join(tmpdir(), "doppel-kube-targets-"));

let cluster: ClusterForTests;
let off: ClusterForTests;
/** Contexts `on` (admin, namespace = the test's) and `off` (current; a closed loopback port). */
let contexts: string;
let closedPort: number;
let admin: KubeClient;
let viewer: KubeClient;

function doppel(args: readonly string[], env: NodeJS.ProcessEnv = {}) {
  const clean = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !/^(DOPPEL_|MIRRORD_|KUBECONFIG$)/.test(key)),
  );
  const result = spawnSync(process.execPath, ["--import", tsxLoader, main, ...args], {
    cwd: dir,
    env: { ...clean, HOME: dir, NO_COLOR: "1", ...env },
    encoding: "utf8",
    timeout: 120_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function ls(args: readonly string[], env: NodeJS.ProcessEnv = {}): LsOutput {
  const { code, stdout, stderr } = doppel(["ls", "--json", ...args], env);
  assert.equal(code, 0, `doppel ls ${args.join(" ")} failed: ${stderr}`);
  return JSON.parse(stdout) as LsOutput;
}

async function freePortThenClosed(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function client(kubeconfig: string, namespace: string | null = null): KubeClient {
  return createKubeClient({
    kubeconfigFlag: kubeconfig,
    kubeconfigKey: null,
    context: null,
    namespace,
    env: {},
    cwd: dir,
  });
}

async function rejectsWith(promise: Promise<unknown>, code: ErrorCode, pattern: RegExp): Promise<DoppelError> {
  let caught: unknown;
  await promise.then(
    (value) => assert.fail(`expected ${code}, got ${JSON.stringify(value)}`),
    (error: unknown) => {
      caught = error;
    },
  );
  assert.ok(caught instanceof DoppelError, `expected a DoppelError, got ${caught}`);
  assert.equal(caught.code, code, caught.message);
  assert.match(caught.message, pattern);
  return caught;
}

before(async () => {
  cluster = useCluster("kube-targets");
  off = useCluster("kube-off");
  cluster.kubectl(["apply", "-f", "-"], FIXTURE);
  off.kubectl(["label", "namespace", off.namespace, "doppel.dev/mirror=disabled"]);
  off.kubectl(["apply", "-f", "-"], OPTED_OUT_FIXTURE);
  // Bounded waits for what the tests rely on; kubectl says what it waited for when one times out.
  const wait = ["--timeout=180s"];
  cluster.kubectl(["rollout", "status", "deployment/web", ...wait]);
  cluster.kubectl(["rollout", "status", "statefulset/db", ...wait]);
  cluster.kubectl(["wait", "--for=condition=Ready", "pod/multi", "pod/optout", ...wait]);
  cluster.kubectl(["wait", "--for=jsonpath={.status.phase}=Running", "pod/unready", ...wait]);
  cluster.kubectl(["wait", "--for=jsonpath={.status.replicas}=1", "deployment/pending", ...wait]);
  off.kubectl(["wait", "--for=condition=Ready", "pod/app", ...wait]);

  const adminConfig = parse(readFileSync(cluster.kubeconfig, "utf8"));
  closedPort = await freePortThenClosed();
  contexts = join(dir, "contexts.kubeconfig");
  writeFileSync(
    contexts,
    stringify({
      apiVersion: "v1",
      kind: "Config",
      clusters: [
        ...adminConfig.clusters,
        { name: "closed", cluster: { server: `https://127.0.0.1:${closedPort}`, "insecure-skip-tls-verify": true } },
      ],
      users: adminConfig.users,
      contexts: [
        { name: "on", context: { cluster: "dpl", user: "dpl-admin", namespace: cluster.namespace } },
        { name: "off", context: { cluster: "closed", user: "dpl-admin" } },
      ],
      "current-context": "off",
    }),
  );
  admin = client(cluster.kubeconfig, cluster.namespace);
  viewer = client(viewerKubeconfig, cluster.namespace);
});

after(() => {
  rmSync(dir, { recursive: true, force: true });
  try {
    cluster?.release();
  } finally {
    off?.release();
  }
});

describe("doppel ls", () => {
  test("lists ready pods (one entry per application container), every workload kind, and the namespaces", () => {
    const output = ls(["--kubeconfig", cluster.kubeconfig, "-n", cluster.namespace]);
    assert.equal(output.current_namespace, cluster.namespace);
    assert.ok(output.namespaces.includes(cluster.namespace) && output.namespaces.includes(off.namespace));
    const byPath = new Map(output.targets.map((t) => [t.path, t]));
    const entry = (path: string) => {
      const found = byPath.get(path);
      assert.ok(found, `${path} is not listed; listed: ${[...byPath.keys()].join(", ")}`);
      return { available: found.available, containers: found.containers, kind: found.kind };
    };
    assert.deepEqual(entry("deployment/web"), { available: true, containers: ["app"], kind: "deployment" });
    assert.deepEqual(entry("service/web"), { available: true, containers: ["app"], kind: "service" });
    assert.deepEqual(entry("statefulset/db"), { available: true, containers: ["store"], kind: "statefulset" });
    assert.deepEqual(entry("pod/db-0"), { available: true, containers: ["store"], kind: "pod" });
    // The multi-container pod: one entry per application container; the mesh sidecar is not one.
    assert.deepEqual(entry("pod/multi/container/app"), { available: true, containers: ["app"], kind: "pod" });
    assert.deepEqual(entry("pod/multi/container/worker"), { available: true, containers: ["worker"], kind: "pod" });
    assert.ok(![...byPath.keys()].some((p) => p.includes("istio-proxy") || p === "pod/multi"));
    // Not ready: the pod is not listed; a workload without a ready pod is listed as not available.
    assert.ok(!byPath.has("pod/unready"), "a pod that is not ready is not listed");
    assert.deepEqual(entry("deployment/pending"), { available: false, containers: ["app"], kind: "deployment" });
    assert.deepEqual(entry("cronjob/nightly"), { available: false, containers: ["task"], kind: "cronjob" });
    // Opted out by its annotation: listed, not available.
    assert.equal(entry("pod/optout").available, false);
    const webPods = output.targets.filter((t) => /^pod\/web-[a-z0-9]+-[a-z0-9]+$/.test(t.path));
    assert.equal(webPods.length, 2, "both ready pods of deployment/web are listed");
    assert.equal(output.targets.filter((t) => t.kind === "replicaset").length, 2, "web's and pending's replicasets");
    assert.ok(output.targets.every((t) => t.namespace === cluster.namespace));
  });

  test("prints a table without --json", () => {
    const { code, stdout } = doppel(["ls", "--kubeconfig", cluster.kubeconfig, "-n", cluster.namespace]);
    assert.equal(code, 0);
    const lines = stdout.split("\n");
    assert.equal(lines[0], `namespace ${cluster.namespace}`);
    assert.match(lines[1] ?? "", /^TARGET +AVAILABLE +CONTAINERS$/);
    assert.ok(
      lines.some((line) => /^deployment\/pending +no +app$/.test(line)),
      stdout,
    );
    assert.ok(
      lines.some((line) => /^deployment\/web +yes +app$/.test(line)),
      stdout,
    );
  });

  test("--all-namespaces lists every namespace's targets; a disabled namespace's are not available", () => {
    const output = ls(["--kubeconfig", cluster.kubeconfig, "--all-namespaces"]);
    const web = output.targets.find((t) => t.path === "deployment/web" && t.namespace === cluster.namespace);
    assert.equal(web?.available, true);
    const optedOut = output.targets.find((t) => t.path === "pod/app" && t.namespace === off.namespace);
    assert.equal(optedOut?.available, false, `pod/app in ${off.namespace} (labelled disabled) must not be available`);
  });

  test("the namespace comes from -n, else target.namespace, else the context's", () => {
    // The context `on` sets the test's namespace; -n wins over it.
    assert.equal(ls(["--kubeconfig", contexts, "--context", "on"]).current_namespace, cluster.namespace);
    assert.equal(
      ls(["--kubeconfig", contexts, "--context", "on", "-n", off.namespace]).current_namespace,
      off.namespace,
    );
    // Keys of a configuration file: kubeconfig, kube_context and target.namespace.
    const file = join(dir, "doppel.json");
    writeFileSync(
      file,
      JSON.stringify({ kubeconfig: contexts, kube_context: "on", target: { namespace: off.namespace } }),
    );
    const fromFile = ls(["-f", file]);
    assert.equal(fromFile.current_namespace, off.namespace);
    assert.ok(fromFile.targets.some((t) => t.path === "pod/app"));
  });

  test("KUBECONFIG is used when no kubeconfig is named, as a list", () => {
    const output = ls(["-n", cluster.namespace], { KUBECONFIG: `${join(dir, "absent")}:${cluster.kubeconfig}` });
    assert.ok(output.targets.some((t) => t.path === "deployment/web"));
  });

  test("an unreachable cluster is an error naming the server and what to check", () => {
    const { code, stderr } = doppel(["ls", "--kubeconfig", contexts]);
    assert.equal(code, 1, stderr);
    assert.match(
      stderr,
      new RegExp(
        `cannot reach the Kubernetes API server https://127.0.0.1:${closedPort} \\(context "off"\\): connection refused`,
      ),
    );
    assert.match(stderr, /kubectl --context off cluster-info/);
  });

  test("an unknown namespace is an error with the close ones", () => {
    const { code, stderr } = doppel(["ls", "--kubeconfig", cluster.kubeconfig, "-n", `${cluster.namespace}x`]);
    assert.equal(code, 1);
    assert.match(
      stderr,
      new RegExp(`namespace "${cluster.namespace}x" does not exist; did you mean "${cluster.namespace}"`),
    );
  });

  test("a user who may list only pods and deployments gets those, and a warning per kind left out", () => {
    const { code, stdout, stderr } = doppel([
      "ls",
      "--json",
      "--kubeconfig",
      viewerKubeconfig,
      "-n",
      cluster.namespace,
    ]);
    assert.equal(code, 0, stderr);
    const output = JSON.parse(stdout) as LsOutput;
    assert.deepEqual([...new Set(output.targets.map((t) => t.kind))].sort(), ["deployment", "pod"]);
    assert.equal(output.targets.find((t) => t.path === "deployment/web")?.available, true);
    assert.deepEqual(output.namespaces, [cluster.namespace]);
    for (const resource of ["statefulsets.apps", "services", "jobs.batch", "cronjobs.batch", "replicasets.apps"]) {
      assert.match(stderr, new RegExp(`${resource} not listed: user "dpl-viewer" may not list them`));
    }
  });
});

describe("doppel ide targets", () => {
  const workspace = () => dir;

  test("lists the namespace's Kubernetes targets and the namespaces", () => {
    const { code, stdout } = doppel(["ide", "targets", "--workspace", workspace(), "--namespace", cluster.namespace], {
      KUBECONFIG: cluster.kubeconfig,
    });
    assert.equal(code, 0);
    const targets = stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line))
      .find((l) => l.type === "targets");
    assert.equal(targets.namespace, cluster.namespace);
    assert.ok(targets.namespaces.includes(off.namespace));
    const web = targets.targets.find((t: { path: string }) => t.path === "deployment/web");
    assert.deepEqual(web, {
      path: "deployment/web",
      kind: "deployment",
      name: "web",
      detail: "container app",
      namespace: cluster.namespace,
      available: true,
    });
    const worker = targets.targets.find((t: { path: string }) => t.path === "pod/multi/container/worker");
    assert.equal(worker?.name, "multi (worker)");
  });

  test("without a reachable cluster: a warning log line, then the local targets and no namespaces", () => {
    const { code, stdout } = doppel(["ide", "targets", "--workspace", workspace()], { KUBECONFIG: contexts });
    assert.equal(code, 0);
    const lines = stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    assert.deepEqual(
      lines.map((l) => l.type),
      ["hello", "log", "targets"],
    );
    assert.equal(lines[1].level, "warning");
    assert.match(lines[1].message, /cannot reach the Kubernetes API server/);
    assert.deepEqual(lines[2].namespaces, []);
    assert.ok(lines[2].targets.every((t: { kind: string }) => t.kind === "pid"));
  });
});

describe("resolveTarget", () => {
  test("a deployment resolves to one of its ready pods, picked at random with a warning", async () => {
    const resolved = await resolveTarget(admin, "deployment/web");
    const pods = JSON.parse(cluster.kubectl(["get", "pods", "-l", "app=web", "-o", "json"])).items as {
      metadata: { name: string; uid: string };
      spec: { nodeName: string };
      status: { podIP: string; containerStatuses: { name: string; containerID: string }[] };
    }[];
    const pod = pods.find((p) => p.metadata.name === resolved.pod);
    assert.ok(pod, `${resolved.pod} is not one of web's pods`);
    assert.deepEqual(resolved, {
      path: "deployment/web",
      namespace: cluster.namespace,
      pod: pod.metadata.name,
      podUid: pod.metadata.uid,
      container: "app",
      containerId: pod.status.containerStatuses[0]?.containerID,
      node: pod.spec.nodeName,
      podIp: pod.status.podIP,
      warnings: [`deployment/web runs 2 ready pods; using ${pod.metadata.name}, picked at random`],
    });
    assert.match(resolved.containerId, /^containerd:\/\/[0-9a-f]{64}$/);
  });

  test("a statefulset and a service resolve to their pods", async () => {
    assert.equal((await resolveTarget(admin, "sts/db")).pod, "db-0");
    assert.match((await resolveTarget(admin, "service/web")).pod, /^web-/);
  });

  test("a pod with several containers: the first application container with a warning, or the one named", async () => {
    const first = await resolveTarget(admin, "pod/multi");
    assert.equal(first.container, "app");
    assert.match(first.warnings.join("\n"), /containers app, worker; using app/);
    const worker = await resolveTarget(admin, "pod/multi/container/worker");
    assert.equal(worker.container, "worker");
    assert.deepEqual(worker.warnings, []);
    await rejectsWith(
      resolveTarget(admin, "pod/multi/container/nope"),
      ErrorCode.KubeContainerNotFound,
      /"app", "worker", "istio-proxy"/,
    );
  });

  test("an unknown target lists the close matches", async () => {
    await rejectsWith(
      resolveTarget(admin, "deployment/wbe"),
      ErrorCode.KubeTargetNotFound,
      /no such deployment; did you mean deployment\/web, service\/web\b/,
    );
    await rejectsWith(
      resolveTarget(admin, "pod/mutli"),
      ErrorCode.KubeTargetNotFound,
      /did you mean pod\/multi\/container\/app/,
    );
  });

  test("a workload without a ready pod says why its pods are not ready", async () => {
    await rejectsWith(
      resolveTarget(admin, "deployment/pending"),
      ErrorCode.KubeTargetNotReady,
      /pending-[a-z0-9-]+: Pending/,
    );
    await rejectsWith(resolveTarget(admin, "pod/unready"), ErrorCode.KubeTargetNotReady, /unready: Running, not ready/);
    await rejectsWith(resolveTarget(admin, "cronjob/nightly"), ErrorCode.KubeTargetNotReady, /it runs no pods/);
  });

  test("an unknown namespace is an error", async () => {
    await rejectsWith(
      resolveTarget(admin, "deployment/web", `${cluster.namespace}x`),
      ErrorCode.KubeNamespaceNotFound,
      /did you mean/,
    );
  });

  test("a user who may not read namespaces resolves with a warning that the label was not checked", async () => {
    const resolved = await resolveTarget(viewer, "deployment/web");
    assert.match(resolved.warnings.join("\n"), /doppel.dev\/mirror label of namespace .* is not checked/);
  });
});

describe("mirror policy", () => {
  test("a pod annotated doppel.dev/mirror=false is refused, naming the annotation", async () => {
    await rejectsWith(
      resolveTarget(admin, "pod/optout"),
      ErrorCode.KubeTargetRefused,
      /annotated doppel\.dev\/mirror=false/,
    );
  });

  test("every target in a namespace labelled doppel.dev/mirror=disabled is refused, naming the label", async () => {
    await rejectsWith(
      resolveTarget(admin, "pod/app", off.namespace),
      ErrorCode.KubeTargetRefused,
      /labelled doppel\.dev\/mirror=disabled/,
    );
  });
});

describe("pre-flight", () => {
  test("the admin may do everything every agent mode needs", async () => {
    for (const mode of ["job", "ephemeral", "targetless"] as const) {
      await checkSessionPermissions(admin, {
        mode,
        namespace: cluster.namespace,
        targetKind: mode === "targetless" ? null : "deployment",
      });
    }
  });

  test("a restricted user gets one message listing every missing permission", async () => {
    const job = await rejectsWith(
      checkSessionPermissions(viewer, { mode: "job", namespace: cluster.namespace, targetKind: "statefulset" }),
      ErrorCode.KubePermissionsMissing,
      /dpl-viewer/,
    );
    const listed = job.message
      .split("\n")
      .slice(1)
      .map((line) => line.replace(/ in namespace .*$/, "").trim());
    assert.deepEqual(listed, [
      "- get statefulsets.apps",
      "- create jobs.batch",
      "- get jobs.batch",
      "- delete jobs.batch",
      "- watch events",
      "- patch secrets",
      "- create pods/portforward",
      "- get pods/log",
      "- create secrets",
      "- delete secrets",
    ]);
    await rejectsWith(
      checkSessionPermissions(viewer, { mode: "ephemeral", namespace: cluster.namespace, targetKind: "pod" }),
      ErrorCode.KubePermissionsMissing,
      /patch pods\/ephemeralcontainers in namespace/,
    );
  });
});

// Argo Rollouts are listed only where the cluster serves them. The CRD is cluster-wide: it is added only when
// absent, and then removed again (listings tolerate it vanishing between discovery and the list call).
const ROLLOUT_CRD = `
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: rollouts.argoproj.io}
spec:
  group: argoproj.io
  names: {kind: Rollout, listKind: RolloutList, plural: rollouts, singular: rollout}
  scope: Namespaced
  versions:
  - name: v1alpha1
    served: true
    storage: true
    schema: {openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}}
`;
// No Argo controller runs here: the pod stands in for the one it would create from the template.
const ROLLOUT_FIXTURE = `
apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata: {name: canary}
spec:
  selector: {matchLabels: {app: canary}}
  template:
    metadata: {labels: {app: canary}}
    spec: {containers: [{name: app, image: busybox, command: [sleep, "3600"]}]}
---
apiVersion: v1
kind: Pod
metadata: {name: canary-1, labels: {app: canary}}
spec: {containers: [{name: app, image: busybox, command: [sleep, "3600"]}]}
`;

describe("Argo rollouts", () => {
  const crdInstalled = () =>
    cluster.kubectl(["get", "crd", "rollouts.argoproj.io", "--ignore-not-found", "-o", "name"]).trim() !== "";

  test("without their CRD: no rollout is listed, and a rollout target says the cluster does not serve them", async (t) => {
    if (crdInstalled()) return t.skip("this cluster has the Rollout CRD installed");
    const listed = ls(["--kubeconfig", cluster.kubeconfig, "-n", cluster.namespace]).targets;
    assert.ok(!listed.some((target) => target.kind === "rollout"));
    await rejectsWith(
      resolveTarget(admin, "rollout/web"),
      ErrorCode.KubeTargetNotFound,
      /does not serve Argo Rollouts/,
    );
  });

  describe("with their CRD", () => {
    let installedHere = false;
    before(() => {
      if (!crdInstalled()) {
        cluster.kubectl(["apply", "-f", "-"], ROLLOUT_CRD);
        installedHere = true;
      }
      cluster.kubectl(["wait", "--for=condition=Established", "crd/rollouts.argoproj.io", "--timeout=60s"]);
      cluster.kubectl(["apply", "-f", "-"], ROLLOUT_FIXTURE);
      cluster.kubectl(["wait", "--for=condition=Ready", "pod/canary-1", "--timeout=180s"]);
    });
    after(() => {
      if (installedHere) cluster.kubectl(["delete", "crd", "rollouts.argoproj.io", "--wait=true", "--timeout=60s"]);
    });

    test("a rollout is listed with its pods' availability and resolves to one of them", async () => {
      const output = ls(["--kubeconfig", cluster.kubeconfig, "-n", cluster.namespace]);
      assert.deepEqual(
        output.targets.find((target) => target.path === "rollout/canary"),
        { path: "rollout/canary", kind: "rollout", namespace: cluster.namespace, available: true, containers: ["app"] },
      );
      assert.equal((await resolveTarget(admin, "rollout/canary")).pod, "canary-1");
    });
  });
});
