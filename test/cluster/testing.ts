// The cluster test bed for node:test files: `useCluster()` in a file's `before` hook. A cluster already running
// (the test command starts one for the whole run) is reused and left running; otherwise this file starts it and
// its `after` hook stops it, so a single test file run by hand leaves nothing behind. Each file works in its own
// namespace (`dpl-<name>-<random>`), deleted afterwards.
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const clusterDir = fileURLToPath(new URL(".", import.meta.url));
export const clusterStateDir = process.env.DPL_CLUSTER_DIR ?? "/tmp/dpl-cluster";
/** system:masters */
export const adminKubeconfig = join(clusterStateDir, "admin.kubeconfig");
/** user dpl-viewer: may get/list/watch pods and deployments, nothing else */
export const viewerKubeconfig = join(clusterStateDir, "viewer.kubeconfig");

export interface ClusterForTests {
  /** The namespace made for this file. */
  namespace: string;
  kubeconfig: string;
  /** kubectl with the admin kubeconfig in this file's namespace; returns stdout. */
  kubectl(args: readonly string[], input?: string): string;
  /** Deletes the namespace, and stops the cluster when this file started it. */
  release(): void;
}

function healthy(): boolean {
  if (!existsSync(adminKubeconfig)) return false;
  try {
    execFileSync("kubectl", ["--kubeconfig", adminKubeconfig, "get", "--raw", "/readyz"], {
      stdio: "ignore",
      timeout: 10_000,
    });
    return true;
  } catch {
    return false;
  }
}

export function useCluster(name: string): ClusterForTests {
  let started = false;
  if (!healthy()) {
    // flock: two files starting the cluster at once would race for the same bridge and ports.
    execFileSync("flock", [join(clusterStateDir, "..", "dpl-cluster.lock"), join(clusterDir, "up")], {
      stdio: ["ignore", "ignore", "inherit"],
    });
    started = true;
  }
  const namespace = `dpl-${name}-${randomBytes(3).toString("hex")}`;
  const kubectl = (args: readonly string[], input?: string) =>
    execFileSync("kubectl", ["--kubeconfig", adminKubeconfig, "-n", namespace, ...args], {
      encoding: "utf8",
      input,
      stdio: [input === undefined ? "ignore" : "pipe", "pipe", "pipe"],
    });
  execFileSync("kubectl", ["--kubeconfig", adminKubeconfig, "create", "namespace", namespace], { stdio: "ignore" });
  return {
    namespace,
    kubeconfig: adminKubeconfig,
    kubectl,
    release() {
      try {
        execFileSync(
          "kubectl",
          ["--kubeconfig", adminKubeconfig, "delete", "namespace", namespace, "--wait=true", "--timeout=60s"],
          { stdio: "ignore" },
        );
      } finally {
        if (started) execFileSync(join(clusterDir, "down"), { stdio: "ignore" });
      }
    },
  };
}
