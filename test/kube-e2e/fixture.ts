// The cluster objects the Kubernetes end-to-end tests run against, and the waits they share. A `web` Deployment
// (doppel/sample-app, answering JSON with its pod name) with a variable and a file only it has, and a `backend`
// Deployment behind a Service, reached by its cluster DNS name. (The test bed has no hairpin NAT: a pod cannot
// reach its own Service, so outgoing tests go to another workload's.)
import { execFileSync } from "node:child_process";
import http from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import type { ClusterForTests } from "../cluster/testing.ts";

export const podVariable = "DPL_KUBE_POD_ONLY";
export const podVariableValue = "set only in the web pod";
export const podFile = "/srv/dpl-kube/pod-only.txt";
export const podFileContent = "written only into the web container's root";
export const appPort = 8080;

function deployment(name: string, env: Record<string, string>): string {
  return JSON.stringify({
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: {
          containers: [
            {
              name: "app",
              image: "doppel/sample-app:1",
              env: Object.entries({ PORT: String(appPort), ...env }).map(([key, value]) => ({ name: key, value })),
              readinessProbe: { httpGet: { path: "/", port: appPort }, periodSeconds: 1 },
            },
          ],
        },
      },
    },
  });
}

const backendService = JSON.stringify({
  apiVersion: "v1",
  kind: "Service",
  metadata: { name: "backend" },
  spec: { selector: { app: "backend" }, ports: [{ port: 80, targetPort: appPort }] },
});

export interface Workloads {
  webPodName: string;
  webPodIp: string;
  /** The web container's ID without the runtime prefix. */
  webContainerId: string;
  backendUrl: string;
}

export function createWorkloads(cluster: ClusterForTests): Workloads {
  cluster.kubectl(["apply", "-f", "-"], deployment("web", { [podVariable]: podVariableValue }));
  cluster.kubectl(["apply", "-f", "-"], deployment("backend", {}));
  cluster.kubectl(["apply", "-f", "-"], backendService);
  for (const name of ["web", "backend"]) cluster.kubectl(["rollout", "status", `deployment/${name}`, "--timeout=120s"]);
  const pod = JSON.parse(cluster.kubectl(["get", "pods", "-l", "app=web", "-o", "json"])).items[0];
  const webPodName = pod.metadata.name as string;
  // The file goes into the container's own writable layer: only that container (and the agent, through
  // /proc/<pid>/root) sees it.
  cluster.kubectl([
    "exec",
    webPodName,
    "--",
    "sh",
    "-c",
    `mkdir -p /srv/dpl-kube && printf %s "$1" > ${podFile}`,
    "sh",
    podFileContent,
  ]);
  return {
    webPodName,
    webPodIp: pod.status.podIP,
    webContainerId: String(pod.status.containerStatuses[0].containerID).replace(/^\w+:\/\//, ""),
    backendUrl: `http://backend.${cluster.namespace}.svc.cluster.local/from-doppel`,
  };
}

/** One GET on a fresh connection; the body, or the error's text. */
export function get(url: string): Promise<string> {
  return new Promise((resolve) => {
    const request = http.get(url, { agent: false, timeout: 5000 }, (response) => {
      let body = "";
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => {
        body += chunk;
      });
      response.on("end", () => resolve(body));
      response.on("error", (error) => resolve(`error: ${error.message}`));
    });
    request.on("timeout", () => request.destroy(new Error("no answer within 5 s")));
    request.on("error", (error) => resolve(`error: ${error.message}`));
  });
}

/** Polls `check` until it returns a value (not undefined); fails after `timeoutMs` with what was awaited and seen. */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined> | T | undefined,
  timeoutMs: number,
  seen: () => string = () => "",
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs / 1000} s; ${seen()}`);
    await sleep(200);
  }
}

/** The pod name of a sample-app answer, or undefined for anything else (a local app's answer, an error). */
export function answeringPod(answer: string): string | undefined {
  try {
    return (JSON.parse(answer) as { pod?: string }).pod;
  } catch {
    return undefined;
  }
}

/** nft tables in the network namespace of a host process. */
export function nftTables(pid: number): string {
  return execFileSync("nsenter", [`--net=/proc/${pid}/ns/net`, "nft", "list", "tables"], { encoding: "utf8" });
}
