// The extension in a real VS Code (code-server in headless chromium) against the cluster test bed: the target
// picker lists the kube context's namespace, "Select another namespace…" offers this file's namespace, its
// targets come grouped by kind, and the app under the debugger, run as deployment/web, gets the pod's mirrored
// request, reads the pod's file (a ConfigMap volume) and sees the pod's variable. A screenshot of every step goes
// to test/artifacts/vscode/ (cluster-*.png).
// Needs root, scripts/install-code-server, `npm run package` in extensions/vscode, and the cluster test bed.
import assert from "node:assert/strict";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { type ClusterForTests, useCluster } from "../cluster/testing.ts";
import { CodeServer, missingPrerequisite } from "./code-server.ts";
import { killDebuggees, noIdeSessionLeft, type ResultLine, waitForResult } from "./debuggee.ts";

const skip = missingPrerequisite();
const podFileContent = "only the pod has this file";
const podVariableValue = "set only in the pod";
// biome-ignore lint/suspicious/noTemplateCurlyInString: a launch.json variable, substituted by VS Code
const program = "${workspaceFolder}/app.mjs";

const workloads = `
apiVersion: v1
kind: ConfigMap
metadata: { name: files }
data: { pod-only.txt: "${podFileContent}" }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: web }
spec:
  replicas: 1
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec:
      containers:
        - name: app
          image: doppel/sample-app:1
          env: [{ name: DPL_VSCODE_POD_ONLY, value: "${podVariableValue}" }]
          volumeMounts: [{ name: files, mountPath: /srv/dpl-vscode }]
      volumes: [{ name: files, configMap: { name: files } }]
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
`;

let cluster: ClusterForTests;
let workspace: string;
let vscode: CodeServer;
let podIp: string;
const results = () => join(workspace, "results.jsonl");

const lineOf = (match: (line: ResultLine) => boolean, what: string) =>
  waitForResult(results(), match, what, {
    timeoutMs: 90_000,
    onTimeout: () => vscode.screenshot(`cluster-failed-${what.replaceAll(" ", "-")}`),
  });

const rows = (text: string) => vscode.page.locator(".quick-input-list .monaco-list-row", { hasText: text });

before(async () => {
  if (skip) return;
  cluster = useCluster("vscode-ui");
  cluster.kubectl(["apply", "-f", "-"], workloads);
  for (const workload of ["deployment/web", "statefulset/db"]) {
    cluster.kubectl(["rollout", "status", workload, "--timeout=120s"]);
  }
  podIp = cluster.kubectl(["get", "pod", "-l", "app=web", "-o", "jsonpath={.items[0].status.podIP}"]);
  workspace = mkdtempSync(join(tmpdir(), "dpl-vscode-cluster-ws-"));
  copyFileSync(new URL("./fixtures/app.mjs", import.meta.url), join(workspace, "app.mjs"));
  mkdirSync(join(workspace, ".vscode"));
  const env = {
    RESULTS: results(),
    FILE: "/srv/dpl-vscode/pod-only.txt",
    VARIABLE: "DPL_VSCODE_POD_ONLY",
    PORT: "8080",
  };
  writeFileSync(
    join(workspace, ".vscode/launch.json"),
    JSON.stringify({
      version: "0.2.0",
      configurations: [{ type: "node", request: "launch", name: "app", program, env }],
    }),
  );
  // The cluster comes from VS Code's environment, as for a user whose shell exports KUBECONFIG.
  vscode = await CodeServer.start({ workspace, env: { KUBECONFIG: cluster.kubeconfig } });
});

after(async () => {
  await vscode?.close();
  if (workspace) killDebuggees(workspace);
  cluster?.release();
  if (workspace) rmSync(workspace, { recursive: true, force: true });
});

test("a node launch runs as deployment/web picked in another namespace: the pod's traffic, file and environment", {
  skip: skip ?? false,
}, async () => {
  const statusItem = vscode.page.locator('[id="doppel.doppel.doppel.status"]');
  await statusItem.waitFor({ timeout: 60_000 });
  await statusItem.click();
  await vscode.answerQuickPick("Turn doppel on");
  await vscode.page.locator('[id="doppel.doppel.doppel.status"]', { hasText: "doppel: on" }).waitFor();
  await vscode.startDebugging("app");
  // First the kube context's namespace: this file's workloads are elsewhere.
  await vscode.page.locator('.quick-input-box input[placeholder*="in namespace default"]').waitFor({ timeout: 60_000 });
  await vscode.screenshot("cluster-01-context-namespace");
  await vscode.filterQuickPick("Select another namespace");
  await vscode.page.locator(".quick-input-widget", { hasText: "select a namespace" }).waitFor();
  await vscode.screenshot("cluster-02-namespaces");
  await vscode.filterQuickPick(cluster.namespace);
  await vscode.page
    .locator(`.quick-input-box input[placeholder*="in namespace ${cluster.namespace}"]`)
    .waitFor({ timeout: 60_000 });
  // Grouped by kind, under separators.
  for (const text of ["pods", "deployments", "stateful sets", "deployment/web", "statefulset/db"]) {
    await rows(text).first().waitFor();
  }
  await vscode.screenshot("cluster-03-targets-by-kind");
  await vscode.filterQuickPick("deployment/web");
  const listening = await lineOf((line) => "listening" in line, "the app listening");
  assert.match(String(listening.preload), /libdoppel_layer\.so/);
  assert.equal(listening.variable, podVariableValue);
  await vscode.screenshot("cluster-04-debugging-as-deployment-web");
  const started = [...vscode.doppelOutput().matchAll(/\$ doppel ide start (.*)/g)].at(-1)?.[1] ?? "";
  assert.match(started, new RegExp(`"DOPPEL_TARGET_NAMESPACE":"${cluster.namespace}".*--target deployment/web`));
  // The pod answers; the app under the debugger gets a copy.
  assert.match(await (await fetch(`http://${podIp}:8080/mirrored-from-the-cluster`)).text(), /"pod":"web-/);
  const served = await lineOf((line) => line.path === "/mirrored-from-the-cluster", "the mirrored request");
  assert.deepEqual(served, {
    path: "/mirrored-from-the-cluster",
    file: podFileContent,
    variable: podVariableValue,
    config: null,
  });
  await vscode.stopDebugging();
  await noIdeSessionLeft(workspace);
  await vscode.screenshot("cluster-05-stopped");
});
