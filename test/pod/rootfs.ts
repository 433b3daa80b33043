// A pod's own files: the upper layer of its overlay root (see isolate.sh). Everything written here is visible at
// the same path inside the pod (and at /proc/<pid>/root/… from the host) and nowhere else on the host.
import { mkdir, writeFile } from "node:fs/promises";
import { dirname, isAbsolute, join, normalize } from "node:path";
import { TestBedError, TestBedErrorCode } from "./errors.ts";

export interface PodIdentity {
  name: string;
  namespace: string;
  ip: string;
  dnsIp: string;
}

/** The files every pod gets, as Kubernetes writes them into a container. */
export function podSystemFiles(pod: PodIdentity): Record<string, string> {
  return {
    "/etc/resolv.conf": [
      `search ${pod.namespace}.svc.cluster.local svc.cluster.local cluster.local`,
      `nameserver ${pod.dnsIp}`,
      "options ndots:5",
      "",
    ].join("\n"),
    "/etc/hosts": [
      "127.0.0.1\tlocalhost",
      "::1\tlocalhost ip6-localhost ip6-loopback",
      `${pod.ip}\t${pod.name}`,
      "",
    ].join("\n"),
    "/etc/hostname": `${pod.name}\n`,
  };
}

/** Creates ROOTFS_DIR/{upper,work,root} and writes `files` (absolute in-pod path → content) into upper/. */
export async function prepareRootfs(
  rootfsDir: string,
  files: Readonly<Record<string, string | Buffer>>,
): Promise<void> {
  const upper = join(rootfsDir, "upper");
  await Promise.all(["upper", "work", "root"].map((d) => mkdir(join(rootfsDir, d), { recursive: true })));
  for (const [path, content] of Object.entries(files)) {
    if (!isAbsolute(path) || normalize(path) !== path || path === "/") {
      throw new TestBedError(
        TestBedErrorCode.BadRequest,
        `test bed: pod file path ${JSON.stringify(path)} must be an absolute, normalized file path like /etc/app.conf`,
      );
    }
    const target = join(upper, path);
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, content);
  }
}
