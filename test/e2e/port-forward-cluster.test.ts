// `doppel port-forward` against the cluster test bed (issue 4): the agent runs in the cluster (a Job next to the
// target, or a targetless pod) and is reached through the API server's port-forward. -L reaches a Service by a
// name only the cluster's DNS knows; -R hands the target pod's port to a local server until doppel stops.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { lookup } from "node:dns/promises";
import http from "node:http";
import { createServer, type Server } from "node:net";
import { after, before, describe, test } from "node:test";
import { promisify } from "node:util";
import { type ClusterForTests, useCluster } from "../cluster/testing.ts";
import { type DoppelRun, doppel, stopAllRuns } from "./doppel-run.ts";
import { buildPrerequisites } from "./prerequisites.ts";

const run = promisify(execFile);
const readyTimeoutMs = 120_000;

let cluster: ClusterForTests;

function sampleApp(name: string): string {
  return `
apiVersion: apps/v1
kind: Deployment
metadata: { name: ${name} }
spec:
  replicas: 1
  selector: { matchLabels: { app: ${name} } }
  template:
    metadata: { labels: { app: ${name} } }
    spec:
      containers:
        - name: app
          image: doppel/sample-app:1
          env: [{ name: PORT, value: "8080" }]
          readinessProbe: { httpGet: { path: /, port: 8080 }, periodSeconds: 1 }
---
apiVersion: v1
kind: Service
metadata: { name: ${name} }
spec:
  selector: { app: ${name} }
  ports: [{ port: 80, targetPort: 8080 }]
`;
}

before(() => {
  buildPrerequisites();
  cluster = useCluster("port-forward");
  cluster.kubectl(["apply", "-f", "-"], `${sampleApp("web")}\n---\n${sampleApp("backend")}`);
  cluster.kubectl(["wait", "--for=condition=available", "deployment/web", "deployment/backend", "--timeout=120s"]);
});

after(async () => {
  await stopAllRuns();
  cluster?.release();
});

function freePort(): Promise<number> {
  const server = createServer();
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function portForward(args: string[], forwards: number): Promise<DoppelRun> {
  const forward = doppel([
    "port-forward",
    "--kubeconfig",
    cluster.kubeconfig,
    "-n",
    cluster.namespace,
    ...args,
    "--json",
  ]);
  const ready = () => forward.lines.filter((line) => typeof line.forward === "string").length >= forwards;
  const exitedEarly = forward.exited.then((code) => {
    throw new Error(`doppel port-forward exited (${code}) before it was ready; stderr: ${forward.stderr}`);
  });
  await Promise.race([forward.line(ready, readyTimeoutMs), exitedEarly]);
  return forward;
}

function get(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const request = http.get(url, { agent: false, timeout: 30_000 }, (response) => {
      let body = "";
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => {
        body += chunk;
      });
      response.on("end", () => resolve(body));
      response.on("error", reject);
    });
    request.on("timeout", () => request.destroy(new Error(`no answer from ${url} within 30 s`)));
    request.on("error", reject);
  });
}

function podOf(app: string): { name: string; ip: string } {
  const [name = "", ip = ""] = cluster
    .kubectl(["get", "pods", "-l", `app=${app}`, "-o", "jsonpath={.items[0].metadata.name} {.items[0].status.podIP}"])
    .split(" ");
  return { name, ip };
}

/** Waits until the namespace holds no agent Job, pod or Secret any more; fails after 90 s naming what is left. */
async function agentObjectsGone(): Promise<void> {
  const deadline = Date.now() + 90_000;
  let left = "";
  while (Date.now() < deadline) {
    left = cluster
      .kubectl(["get", "jobs,pods,secrets", "-l", "app.kubernetes.io/component=doppel-agent", "-o", "name"])
      .trim();
    if (left === "") return;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  assert.fail(`the agent's objects are still there 90 s after doppel stopped: ${left}`);
}

describe("port-forward on the cluster test bed", () => {
  let local: Server;
  let localPort: number;

  before(async () => {
    local = http.createServer((req, res) => res.end(`local server: ${req.method} ${req.url}`));
    await new Promise<void>((resolve) => local.listen(0, "127.0.0.1", resolve));
    localPort = (local.address() as { port: number }).port;
  });

  after(() => local?.close());

  test("-t deployment/web: -L to a Service by its cluster DNS name, -R of the pod's port", {
    timeout: 300_000,
  }, async () => {
    const serviceName = `backend.${cluster.namespace}.svc.cluster.local`;
    await assert.rejects(lookup(serviceName), "the host cannot resolve the Service's name");
    const backend = podOf("backend");
    const web = podOf("web");
    const [byFullName, byShortName] = [await freePort(), await freePort()];
    const forward = await portForward(
      [
        "-t",
        "deployment/web",
        "-L",
        `${byFullName}:${serviceName}:80`,
        "-L",
        `${byShortName}:backend:80`,
        "-R",
        `8080:${localPort}`,
      ],
      3,
    );
    try {
      const { stdout } = await run("curl", ["-sS", "--max-time", "30", `http://127.0.0.1:${byFullName}/by-curl`]);
      assert.equal(JSON.parse(stdout).pod, backend.name, "the Service's pod answered");
      const short = JSON.parse(await get(`http://127.0.0.1:${byShortName}/short`));
      assert.deepEqual([short.pod, short.url], [backend.name, "/short"], "the pod's search path resolves `backend`");

      assert.equal(await get(`http://${web.ip}:8080/stolen`), "local server: GET /stolen");
    } finally {
      forward.process.kill("SIGTERM");
      assert.equal(await forward.finish(120_000), 0, forward.stderr);
    }
    const answer = JSON.parse(await get(`http://${web.ip}:8080/after`));
    assert.equal(answer.pod, web.name, "the pod answers its port again once doppel stopped");
    await agentObjectsGone();
  });

  test("targetless: -L to a Service by its cluster DNS name", { timeout: 300_000 }, async () => {
    const port = await freePort();
    const forward = await portForward(["-t", "targetless", "-L", `${port}:backend.${cluster.namespace}:80`], 1);
    try {
      assert.equal(JSON.parse(await get(`http://127.0.0.1:${port}/targetless`)).pod, podOf("backend").name);
    } finally {
      forward.process.kill("SIGINT");
      assert.equal(await forward.finish(120_000), 0, forward.stderr);
    }
    await agentObjectsGone();
  });
});
