// `doppel exec` against workloads of the cluster test bed (issue 4): the agent runs in the cluster (a Job on the
// target's node, an ephemeral container, or a targetless pod), reached through the API server's port-forward.
// Real apps (node, python, curl) see the pod's environment, files and cluster DNS; the pod's incoming traffic is
// mirrored or stolen; the agent's objects are gone after the session, also when the CLI is killed with -9; start
// failures carry the cluster's reason. Root and Linux only; needs the agent bundle and the native layer.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { findContainerProcess } from "../../agent/src/container-process.ts";
import { type ClusterForTests, useCluster } from "../cluster/testing.ts";
import { type DoppelRun, doppelExec, type Line, stopAllRuns } from "../e2e/doppel-run.ts";
import { buildPrerequisites } from "../e2e/prerequisites.ts";
import {
  answeringPod,
  appPort,
  createWorkloads,
  get,
  nftTables,
  podFile,
  podFileContent,
  podVariable,
  podVariableValue,
  type Workloads,
  waitFor,
} from "./fixture.ts";

const probeApp = fileURLToPath(new URL("../e2e/apps/probe.mjs", import.meta.url));
const agentSelector = "app.kubernetes.io/component=doppel-agent";
const sessionTimeoutMs = 120_000;

let cluster: ClusterForTests;
let workloads: Workloads;
let scratch: string;
let python: string;

before(() => {
  buildPrerequisites();
  // pyenv's python3 is a shell shim; run the interpreter itself.
  python = execFileSync("python3", ["-c", "import sys; print(sys.executable)"], { encoding: "utf8" }).trim();
  scratch = mkdtempSync(join(tmpdir(), "dpl-kube-e2e-"));
  cluster = useCluster("kexec");
  workloads = createWorkloads(cluster);
});

after(async () => {
  await stopAllRuns();
  cluster?.release();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

/** A configuration file with these keys, for -f. */
function configFile(name: string, keys: object): string {
  const path = join(scratch, `${name}.json`);
  writeFileSync(path, JSON.stringify(keys));
  return path;
}

function exec(target: string, args: readonly string[], extra: readonly string[] = []): DoppelRun {
  return doppelExec([
    "-t",
    target,
    "-n",
    cluster.namespace,
    "--kubeconfig",
    cluster.kubeconfig,
    ...extra,
    "--",
    ...args,
  ]);
}

/** No Job, pod or Secret of an agent is left in the namespace (pods go in the background after their Job). */
async function assertAgentObjectsGone(why: string): Promise<void> {
  let left = "";
  await waitFor(
    why,
    () => {
      left = cluster.kubectl(["get", "jobs,pods,secrets", "-l", agentSelector, "-o", "name"]).trim();
      return left === "" ? true : undefined;
    },
    60_000,
    () => `still there: ${left}`,
  );
}

/** The JSON lines an app printed, by its "app" field. */
function byApp(lines: readonly Line[]): Record<string, Line> {
  return Object.fromEntries(lines.filter((line) => typeof line.app === "string").map((line) => [line.app, line]));
}

/** node, python and curl: the pod's variable and file, and a GET of the backend Service by its DNS name. */
function probes(url: string): string[] {
  const node = `const fs = require("fs"); fetch(process.argv[1]).then((r) => r.text()).then((http) => console.log(JSON.stringify({ app: "node", env: process.env.${podVariable} ?? null, file: fs.readFileSync(process.argv[2], "utf8"), http })))`;
  const py = `import json, os, sys, urllib.request\nprint(json.dumps({"app": "python", "env": os.environ.get("${podVariable}"), "file": open(sys.argv[2]).read(), "http": urllib.request.urlopen(sys.argv[1], timeout=10).read().decode()}))`;
  const script = [
    `${JSON.stringify(process.execPath)} -e '${node}' "$1" "$2"`,
    `${JSON.stringify(python)} -c '${py}' "$1" "$2"`,
    `printf '{"app":"curl","http":%s}\\n' "$(curl -s -m 10 "$1")"`,
  ].join("; ");
  return ["sh", "-c", script, "sh", url, podFile];
}

/** A GET's answer as an app printed it: text (node, python) or the JSON itself (curl). */
function httpAnswer(result: Line | undefined): string {
  const http = result?.http;
  return typeof http === "string" ? http : JSON.stringify(http);
}

function assertFromPod(result: Line | undefined, app: string): void {
  assert.ok(result, `${app} printed no result`);
  assert.match(answeringPod(httpAnswer(result)) ?? "", /^backend-/, `${app}: the backend Service answered`);
  if (app === "curl") return;
  assert.equal(result.env, podVariableValue, `${app}: the pod's variable`);
  assert.equal(result.file, podFileContent, `${app}: the file only the pod has`);
}

describe("doppel exec on the cluster test bed", { timeout: 600_000 }, () => {
  test("deployment: env, a pod-only file and a Service by DNS name, from node, python and curl; the Job goes with the session; --context picks the context", async () => {
    // A kubeconfig whose current context points nowhere: only --context reaches the cluster.
    const kubeconfig = join(scratch, "two-contexts.kubeconfig");
    writeFileSync(kubeconfig, execFileSync("kubectl", ["--kubeconfig", cluster.kubeconfig, "config", "view", "--raw"]));
    const edit = (args: string[]) => execFileSync("kubectl", ["--kubeconfig", kubeconfig, "config", ...args]);
    edit(["set-cluster", "dpl-nowhere", "--server=https://127.0.0.1:1"]);
    edit(["set-context", "dpl-nowhere", "--cluster=dpl-nowhere", "--user=dpl-admin"]);
    edit(["use-context", "dpl-nowhere"]);
    const run = doppelExec([
      "-t",
      "deploy/web",
      "-n",
      cluster.namespace,
      "--kubeconfig",
      kubeconfig,
      "--context",
      "dpl-admin",
      "--",
      ...probes(workloads.backendUrl),
    ]);
    const code = await run.finish(sessionTimeoutMs);
    assert.equal(code, 0, run.stderr);
    const results = byApp(run.lines);
    for (const app of ["node", "python", "curl"]) assertFromPod(results[app], app);
    await assertAgentObjectsGone("the agent's Job, pod and Secret are deleted when the session ends");
  });

  test("mirror: the pod still answers and the local app gets a copy", async () => {
    const run = exec("deploy/web", [process.execPath, probeApp, "serve", String(appPort), "local"]);
    await run.line((line) => line.listening === appPort);
    const url = (i: number) => `http://${workloads.webPodIp}:${appPort}/mirror-${i}`;
    let i = 0;
    await waitFor(
      "a mirrored request reaching the local app",
      async () => {
        const answer = await get(url(++i));
        assert.equal(answeringPod(answer), workloads.webPodName, `the pod answers under mirror, got ${answer}`);
        return run.lines.find((line) => String(line.served).startsWith("/mirror-"));
      },
      60_000,
      () => `stderr: ${run.stderr}`,
    );
    await run.stop();
  });

  test("steal: the local app answers, the pod answers again afterwards", async () => {
    const run = exec("deploy/web", [process.execPath, probeApp, "serve", String(appPort), "local"], ["--steal"]);
    await run.line((line) => line.listening === appPort);
    const url = `http://${workloads.webPodIp}:${appPort}/steal`;
    let answer = "";
    await waitFor(
      "the local app answering the pod's port",
      async () => {
        answer = await get(url);
        return answer.startsWith("local /steal") ? answer : undefined;
      },
      60_000,
      () => `last answer ${answer}; stderr: ${run.stderr}`,
    );
    await run.stop();
    await waitFor(
      "the pod answering its port again",
      async () => {
        answer = await get(url);
        return answeringPod(answer) === workloads.webPodName ? answer : undefined;
      },
      30_000,
      () => `last answer ${answer}`,
    );
  });

  test("ephemeral: the agent is an ephemeral container of the target pod", async () => {
    const config = configFile("ephemeral", { agent: { ephemeral: true, communication_timeout: 3 } });
    const run = exec("deploy/web", probes(workloads.backendUrl), ["-f", config]);
    const code = await run.finish(sessionTimeoutMs);
    assert.equal(code, 0, run.stderr);
    const results = byApp(run.lines);
    for (const app of ["node", "python", "curl"]) assertFromPod(results[app], app);
    const pod = JSON.parse(cluster.kubectl(["get", "pod", workloads.webPodName, "-o", "json"]));
    const agents = (pod.spec.ephemeralContainers ?? []).map((c: { name: string }) => c.name);
    assert.ok(
      agents.some((name: string) => name.startsWith("doppel-agent-")),
      `the agent ran in the pod: ${agents}`,
    );
    await assertAgentObjectsGone("the token Secret is deleted");
  });

  test("targetless: outgoing and DNS through a plain agent pod, deleted afterwards", async () => {
    const host = `backend.${cluster.namespace}.svc.cluster.local`;
    const dns = `import json, socket\nprint(json.dumps({"app": "dns", "address": socket.getaddrinfo("${host}", 80, socket.AF_INET)[0][4][0]}))`;
    const script = `${JSON.stringify(python)} -c '${dns}'; printf '{"app":"curl","http":%s}\\n' "$(curl -s -m 10 "$1")"`;
    const run = exec("targetless", ["sh", "-c", script, "sh", workloads.backendUrl]);
    const code = await run.finish(sessionTimeoutMs);
    assert.equal(code, 0, run.stderr);
    const results = byApp(run.lines);
    const serviceIp = cluster.kubectl(["get", "service", "backend", "-o", "jsonpath={.spec.clusterIP}"]);
    assert.equal(results.dns?.address, serviceIp, "the cluster DNS resolved the Service");
    assert.match(answeringPod(httpAnswer(results.curl)) ?? "", /^backend-/);
    await assertAgentObjectsGone("the targetless agent's pod and Secret are deleted");
  });

  test("CLI killed with -9: the agent exits after communication_timeout, its rules leave the pod, ttl removes the Job", async (t) => {
    const config = configFile("kill", { agent: { communication_timeout: 3, ttl: 1 } });
    const run = exec(
      "deploy/web",
      [process.execPath, probeApp, "serve", String(appPort), "local"],
      ["--steal", "-f", config],
    );
    await run.line((line) => line.listening === appPort);
    const url = `http://${workloads.webPodIp}:${appPort}/killed`;
    let answer = "";
    await waitFor(
      "the steal taking effect",
      async () => {
        answer = await get(url);
        return answer.startsWith("local /killed") ? answer : undefined;
      },
      60_000,
      () => `last answer ${answer}; stderr: ${run.stderr}`,
    );
    const job = cluster.kubectl(["get", "jobs", "-l", agentSelector, "-o", "jsonpath={.items[0].metadata.name}"]);
    const table = `doppel_${job.replace("doppel-agent-", "")}`;
    const target = findContainerProcess(workloads.webContainerId);
    assert.match(nftTables(target), new RegExp(table), "the agent's steal table is in the pod's namespace");

    const app = execFileSync("pgrep", ["-P", String(run.process.pid)], { encoding: "utf8" })
      .trim()
      .split("\n");
    const killedAt = Date.now();
    run.process.kill("SIGKILL");
    for (const pid of app) process.kill(Number(pid), "SIGKILL");
    await waitFor(
      `table ${table} removed`,
      () => (nftTables(target).includes(table) ? undefined : true),
      60_000,
      () => nftTables(target),
    );
    t.diagnostic(`rules gone ${Date.now() - killedAt} ms after kill -9 (communication_timeout 3 s)`);
    await waitFor(
      "the pod answering its port again",
      async () => {
        answer = await get(url);
        return answeringPod(answer) === workloads.webPodName ? answer : undefined;
      },
      30_000,
      () => `last answer ${answer}`,
    );
    // The agent exited by itself (the Job completed), and ttlSecondsAfterFinished deletes the Job.
    cluster.kubectl(["wait", "--for=delete", `job/${job}`, "--timeout=90s"]);
    t.diagnostic(`Job gone ${Date.now() - killedAt} ms after kill -9`);
  });

  test("the agent's pod deleted mid-session: the CLI reports the drop, the app keeps running, the session ends cleanly", async () => {
    const run = exec("deploy/web", [process.execPath, probeApp, "serve", String(appPort), "local"]);
    await run.line((line) => line.listening === appPort);
    const [app] = execFileSync("pgrep", ["-P", String(run.process.pid)], { encoding: "utf8" })
      .trim()
      .split("\n");
    cluster.kubectl(["delete", "pods", "-l", agentSelector, "--grace-period=0", "--force", "--wait=false"]);
    await waitFor(
      "the CLI reporting the lost agent",
      () =>
        /doppel error: .*agent.*the app's remote files and connections now fail/.test(run.stderr) ? true : undefined,
      60_000,
      () => `stderr: ${run.stderr}`,
    );
    assert.doesNotThrow(() => process.kill(Number(app), 0), "the app still runs");
    assert.equal(await run.stop(), 143, "doppel passed SIGTERM to the app and ended");
    await assertAgentObjectsGone("the session removed its Job and Secret after the drop");
  });

  test("an agent image that cannot run: the start fails at once with the cluster's reason", async () => {
    const image = "registry.example/doppel/agent-missing:0";
    const config = configFile("bad-image", { agent: { image } });
    const run = exec("deploy/web", ["true"], ["-f", config]);
    const code = await run.finish(sessionTimeoutMs);
    assert.equal(code, 1);
    assert.match(
      run.stderr,
      /the doppel agent \(Job doppel-agent-\w+ .*did not start: (ErrImagePull|ImagePullBackOff)/,
    );
    assert.ok(run.stderr.includes(image), `the message names the image: ${run.stderr}`);
    assert.doesNotMatch(run.stderr, /startup_timeout/, "a failure, not a timeout");
    await assertAgentObjectsGone("the failed agent's objects are removed");
  });

  test("Pod Security forbids the agent: the Job's and the ephemeral container's rejections are shown as the cluster words them", async () => {
    const level = "pod-security.kubernetes.io/enforce";
    cluster.kubectl(["label", "namespace", cluster.namespace, `${level}=baseline`]);
    try {
      const job = exec("deploy/web", ["true"]);
      assert.equal(await job.finish(sessionTimeoutMs), 1);
      assert.match(job.stderr, /could not create its pod: .*violates PodSecurity "baseline:latest".*hostPID=true/);
      assert.match(job.stderr, /hint: the cluster refused the agent's pod/);
      const ephemeral = exec(
        "deploy/web",
        ["true"],
        ["-f", configFile("psa-ephemeral", { agent: { ephemeral: true } })],
      );
      assert.equal(await ephemeral.finish(sessionTimeoutMs), 1);
      assert.match(ephemeral.stderr, /did not start: pods? "web-[^"]*" is forbidden: violates PodSecurity/);
      assert.doesNotMatch(ephemeral.stderr, /may not patch/, "not reported as a missing permission");
      await assertAgentObjectsGone("nothing of the refused agents is left");
    } finally {
      cluster.kubectl(["label", "namespace", cluster.namespace, `${level}-`]);
    }
  });

  test("an agent no node can run: after agent.startup_timeout the scheduler's reason and what to change", async () => {
    const config = configFile("unschedulable", {
      agent: { startup_timeout: 3, node_selector: { "dpl-test/no-such-node": "true" } },
    });
    const run = exec("targetless", ["true"], ["-f", config]);
    assert.equal(await run.finish(sessionTimeoutMs), 1);
    assert.match(
      run.stderr,
      /did not start within agent.startup_timeout \(3 s\); last seen: pod doppel-agent-\w+: pod not scheduled: Unschedulable/,
    );
    assert.match(run.stderr, /hint: no node can run the agent: check `agent.node_selector`/);
    await assertAgentObjectsGone("the pending agent pod is removed");
  });

  test("an unknown target: resolving it fails with close matches", async () => {
    const run = exec("deploy/wbe", ["true"]);
    assert.equal(await run.finish(sessionTimeoutMs), 1);
    assert.match(run.stderr, /target deployment\/wbe not found in namespace .*did you mean deployment\/web\?/);
  });
});
