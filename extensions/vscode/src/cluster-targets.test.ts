// The target picker's data and the session start against the real CLI (from the sources) on the cluster test bed:
// a deployment, a statefulset and a bare pod in this file's namespace are listed grouped by kind, the cluster
// comes from KUBECONFIG in the launch env or from the file's `kubeconfig` key, a user who may not list namespaces
// is offered none, the chosen deployment starts a session in the namespace it was listed in, and targetless runs
// its agent in the namespace listed.
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";
import { type ClusterForTests, useCluster, viewerKubeconfig } from "../../../test/cluster/testing.ts";
import { IdeClient, type LogEvent } from "./ide-client.ts";
import { configArgs } from "./launch-rules.ts";
import { choiceOf, groupTargets, otherNamespaces, startArgs, type TargetsLine, targetlessIn } from "./target-choice.ts";

const source = {
  node: process.execPath,
  args: [
    "--import",
    import.meta.resolve("tsx"),
    fileURLToPath(new URL("../../../shared/cli/main.ts", import.meta.url)),
  ],
};
// Nothing of the machine's own kube or doppel set-up may leak in: each test names its cluster itself.
const cleanEnv = Object.fromEntries(
  Object.entries(process.env).filter(([key]) => !/^(DOPPEL_|MIRRORD_|KUBECONFIG$)/.test(key)),
);
const logged: string[] = [];
const client = new IdeClient({ cli: source, log: (line) => logged.push(line), env: cleanEnv });

const workloads = `
apiVersion: apps/v1
kind: Deployment
metadata: { name: web }
spec:
  replicas: 1
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec: { containers: [{ name: app, image: doppel/sample-app:1 }] }
---
apiVersion: v1
kind: Service
metadata: { name: db }
spec: { clusterIP: None, selector: { app: db }, ports: [{ port: 8080 }] }
---
apiVersion: apps/v1
kind: StatefulSet
metadata: { name: db }
spec:
  serviceName: db
  replicas: 1
  selector: { matchLabels: { app: db } }
  template:
    metadata: { labels: { app: db } }
    spec: { containers: [{ name: db, image: doppel/sample-app:1 }] }
---
apiVersion: v1
kind: Pod
metadata: { name: solo }
spec: { containers: [{ name: solo, image: doppel/sample-app:1 }] }
`;

let cluster: ClusterForTests;
let workspace: string;

before(() => {
  cluster = useCluster("vscode");
  workspace = mkdtempSync(join(tmpdir(), "dpl-vscode-cluster-"));
  cluster.kubectl(["apply", "-f", "-"], workloads);
  for (const workload of ["deployment/web", "statefulset/db"]) {
    cluster.kubectl(["rollout", "status", workload, "--timeout=120s"]);
  }
  cluster.kubectl(["wait", "--for=condition=Ready", "pod/solo", "--timeout=120s"]);
});

after(() => {
  cluster?.release();
  if (workspace) rmSync(workspace, { recursive: true, force: true });
});

/** `ide targets` as the picker runs it, with the warnings it logged. */
async function listTargets(args: readonly string[]): Promise<{ targets: TargetsLine; warnings: string[] }> {
  const warnings: string[] = [];
  const onLog = (event: LogEvent) => {
    if (event.level === "warning") warnings.push(event.message);
  };
  return { targets: await client.request(["targets", ...args], "targets", onLog), warnings };
}

const launchEnv = () => ({ KUBECONFIG: cluster.kubeconfig });

/** A configuration file that names the cluster and nothing else. */
function kubeconfigOnly(): string {
  const config = join(workspace, "configs/kubeconfig-only-doppel.json");
  mkdirSync(join(workspace, "configs"), { recursive: true });
  writeFileSync(config, JSON.stringify({ kubeconfig: cluster.kubeconfig }));
  return config;
}

test("the namespace's targets come grouped by kind, with the namespaces to switch to (KUBECONFIG in the launch env)", async () => {
  const request = { workspace, activeOverride: null, launchEnv: launchEnv() };
  const { targets } = await listTargets([...configArgs(request), "--namespace", cluster.namespace]);
  assert.equal(targets.namespace, cluster.namespace);
  assert.ok(targets.namespaces.includes("default"), `namespaces: ${targets.namespaces.join(", ")}`);
  assert.ok(otherNamespaces(targets).includes("default"));
  assert.ok(!otherNamespaces(targets).includes(cluster.namespace));
  const groups = groupTargets(targets.targets.filter((target) => target.kind !== "pid"));
  const paths = (kind: string) => groups.find((group) => group.kind === kind)?.targets.map((t) => t.path) ?? [];
  // Kinds in the picker's order; the replicaset comes with the deployment, the headless service with the set.
  assert.deepEqual(
    groups.map((group) => group.kind),
    ["pod", "deployment", "statefulset", "replicaset", "service"],
  );
  assert.deepEqual(paths("deployment"), ["deployment/web"]);
  assert.deepEqual(paths("statefulset"), ["statefulset/db"]);
  assert.deepEqual(paths("service"), ["service/db"]);
  assert.ok(paths("pod").includes("pod/solo") && paths("pod").includes("pod/db-0"), paths("pod").join(", "));
  for (const group of groups) {
    for (const target of group.targets) {
      assert.equal(target.namespace, cluster.namespace, target.path);
      assert.equal(target.available, true, target.path);
    }
  }
});

test("without --namespace the file's kubeconfig key and target.namespace choose what is listed", async () => {
  const config = join(workspace, "configs/cluster-doppel.json");
  mkdirSync(join(workspace, "configs"), { recursive: true });
  writeFileSync(config, JSON.stringify({ kubeconfig: cluster.kubeconfig, target: { namespace: cluster.namespace } }));
  const { targets, warnings } = await listTargets(configArgs({ workspace, activeOverride: config, launchEnv: {} }));
  assert.deepEqual(warnings, []);
  assert.equal(targets.namespace, cluster.namespace);
  assert.ok(targets.targets.some((target) => target.path === "deployment/web"));
});

test("a user who may not list namespaces is offered none to switch to, and told which kinds are left out", async () => {
  const request = { workspace, activeOverride: null, launchEnv: { KUBECONFIG: viewerKubeconfig } };
  const { targets, warnings } = await listTargets([...configArgs(request), "--namespace", cluster.namespace]);
  assert.deepEqual(otherNamespaces(targets), []);
  assert.ok(targets.targets.some((target) => target.path === "deployment/web"));
  assert.ok(warnings.length > 0, "warnings about the kinds the viewer may not list");
});

test("the chosen deployment starts a session in the namespace it was listed in", { timeout: 180_000 }, async () => {
  // The cluster comes from the file here: `ide start` does not read KUBECONFIG from --env-json yet (it reads its
  // own environment), while `ide targets` does. The file names no namespace: only the choice carries it.
  const request = { workspace, activeOverride: kubeconfigOnly(), launchEnv: {} };
  const { targets } = await listTargets([...configArgs(request), "--namespace", cluster.namespace]);
  const web = targets.targets.find((target) => target.path === "deployment/web");
  assert.ok(web, "deployment/web is listed");
  const progress: string[] = [];
  const session = await client.start(
    startArgs(request, choiceOf(web)),
    { progress: (event) => progress.push(event.message), log: () => {} },
    AbortSignal.timeout(150_000),
  );
  try {
    assert.equal(session.ready.session.target, "deployment/web");
    assert.match(session.ready.env.HOSTNAME ?? "", /^web-/);
    assert.ok(
      progress.some((message) => message.includes(`namespace ${cluster.namespace}`)),
      progress.join("\n"),
    );
  } finally {
    await session.stop();
  }
});

test("targetless starts its agent in the namespace listed", { timeout: 180_000 }, async () => {
  const request = { workspace, activeOverride: kubeconfigOnly(), launchEnv: {} };
  const { targets } = await listTargets([...configArgs(request), "--namespace", cluster.namespace]);
  const progress: string[] = [];
  const session = await client.start(
    startArgs(request, targetlessIn(targets)),
    { progress: (event) => progress.push(event.message), log: () => {} },
    AbortSignal.timeout(150_000),
  );
  try {
    assert.equal(session.ready.session.target, "targetless");
    const agents = cluster
      .kubectl(["get", "pods", "-o", "name"])
      .split("\n")
      .filter((name) => /agent/.test(name));
    assert.ok(agents.length > 0, `an agent pod in ${cluster.namespace}; progress:\n${progress.join("\n")}`);
  } finally {
    await session.stop();
  }
});
