// Self-test step: @kubernetes/client-node's PortForward (WebSocket through the API server to the node's kubelet
// API) reaches a pod. Usage: node client-node-port-forward.mjs KUBECONFIG NAMESPACE POD PORT
// Prints the pod's HTTP answer; exits 1 when it cannot get one.

import { request } from "node:http";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import { pathToFileURL } from "node:url";

const [kubeconfigPath, namespace, pod, port] = process.argv.slice(2);
// The client doppel itself uses: the one the shared workspace (@doppel/core) depends on.
const fromShared = createRequire(new URL("../../shared/package.json", import.meta.url));
const { KubeConfig, PortForward } = await Promise.resolve()
  .then(() => import(pathToFileURL(fromShared.resolve("@kubernetes/client-node")).href))
  .catch((error) => {
    console.error(
      `@kubernetes/client-node (shared's dependency) does not load on Node ${process.version}: ${error.message}`,
    );
    process.exit(1);
  });
const kubeConfig = new KubeConfig();
kubeConfig.loadFromFile(kubeconfigPath);
const forward = new PortForward(kubeConfig);

const server = createServer((socket) => {
  forward.portForward(namespace, pod, [Number(port)], socket, null, socket).catch((error) => {
    console.error(`port-forward to ${namespace}/${pod}:${port} failed: ${error.message ?? error}`);
    socket.destroy();
  });
});
server.listen(0, "127.0.0.1", () => {
  const { port: localPort } = server.address();
  const req = request(
    { host: "127.0.0.1", port: localPort, path: "/through-client-node", timeout: 10_000 },
    (response) => {
      let body = "";
      response.on("data", (chunk) => {
        body += chunk;
      });
      response.on("end", () => {
        console.log(body.trim());
        process.exit(response.statusCode === 200 ? 0 : 1);
      });
    },
  );
  req.on("timeout", () => req.destroy(new Error("no answer within 10 s")));
  req.on("error", (error) => {
    console.error(`HTTP through client-node port-forward failed: ${error.message}`);
    process.exit(1);
  });
  req.end();
});
