// The transport under cluster sessions (shared/kube/port-forward.ts) against a pod of the cluster test bed: bytes
// through the API server's WebSocket port-forward arrive intact both ways, also when the local side starts reading
// only after it wrote a first part (the forward's pause/resume paths run), and a port nothing listens on ends the
// local connection with the kubelet's reason.
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { once } from "node:events";
import net from "node:net";
import { after, before, describe, test } from "node:test";
import { createKubeClient } from "../../shared/kube/client.ts";
import { PodPortForward } from "../../shared/kube/port-forward.ts";
import { type ClusterForTests, useCluster } from "../cluster/testing.ts";

const ECHO_PORT = 9000;
const echoServer = `require("net").createServer((s) => s.pipe(s)).listen(${ECHO_PORT})`;

let cluster: ClusterForTests;
let forward: PodPortForward;

before(async () => {
  cluster = useCluster("kpf");
  cluster.kubectl(
    ["apply", "-f", "-"],
    JSON.stringify({
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "echo" },
      spec: {
        containers: [
          {
            name: "echo",
            image: "node",
            command: [process.execPath, "-e", echoServer],
            readinessProbe: { tcpSocket: { port: ECHO_PORT }, periodSeconds: 1 },
          },
        ],
      },
    }),
  );
  cluster.kubectl(["wait", "--for=condition=Ready", "pod/echo", "--timeout=120s"]);
  const kube = createKubeClient({
    kubeconfigFlag: cluster.kubeconfig,
    kubeconfigKey: null,
    context: null,
    namespace: cluster.namespace,
    env: process.env,
    cwd: process.cwd(),
  });
  forward = await PodPortForward.start({
    kubeConfig: kube.config,
    namespace: cluster.namespace,
    pod: "echo",
    port: ECHO_PORT,
  });
});

after(async () => {
  await forward?.close();
  cluster?.release();
});

describe("port-forward transport on the cluster test bed", { timeout: 300_000 }, () => {
  test("16 MiB echoed intact with a reader that starts late", async () => {
    const payload = randomBytes(16 * 1024 * 1024);
    const socket = net.connect(forward.port, forward.host);
    await once(socket, "connect");
    const received: Buffer[] = [];
    let receivedBytes = 0;
    socket.pause();
    socket.on("data", (chunk: Buffer) => {
      received.push(chunk);
      receivedBytes += chunk.length;
    });
    // Write until the local socket's buffer is full while nothing reads the echo, then read and write the rest.
    let offset = 0;
    while (offset < payload.length) {
      const chunk = payload.subarray(offset, offset + 64 * 1024);
      offset += chunk.length;
      if (!socket.write(chunk)) break;
    }
    socket.resume();
    while (offset < payload.length) {
      const chunk = payload.subarray(offset, offset + 64 * 1024);
      offset += chunk.length;
      if (!socket.write(chunk)) await once(socket, "drain");
    }
    while (receivedBytes < payload.length) await once(socket, "data");
    socket.destroy();
    const digest = (data: Buffer) => createHash("sha256").update(data).digest("hex");
    assert.equal(digest(Buffer.concat(received)), digest(payload));
  });

  test("a port nothing listens on: the connection ends and the kubelet's reason is kept", async () => {
    const refused = await PodPortForward.start({ ...forward.options, port: ECHO_PORT + 1 });
    try {
      const socket = net.connect(refused.port, refused.host);
      socket.on("error", () => undefined);
      socket.write("hello");
      await once(socket, "close");
      assert.match(refused.lastError ?? "", new RegExp(`${cluster.namespace}/echo:${ECHO_PORT + 1}`));
    } finally {
      await refused.close();
    }
  });
});
