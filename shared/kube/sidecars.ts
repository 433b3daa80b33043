// Containers that service meshes and similar injectors add next to the application. A pod's target is its
// application container, so these are skipped when a pod is listed or resolved without a container.
export const MESH_SIDECARS: readonly { container: string; injectedBy: string }[] = [
  { container: "istio-proxy", injectedBy: "Istio" },
  { container: "linkerd-proxy", injectedBy: "Linkerd" },
  { container: "consul-dataplane", injectedBy: "Consul" },
  { container: "envoy-sidecar", injectedBy: "Consul (before 1.14)" },
  { container: "kuma-sidecar", injectedBy: "Kuma" },
  { container: "daprd", injectedBy: "Dapr" },
  { container: "vault-agent", injectedBy: "Vault Agent Injector" },
  { container: "aws-appmesh-envoy", injectedBy: "AWS App Mesh" },
  { container: "cilium-envoy", injectedBy: "Cilium" },
];

const SIDECAR_NAMES: ReadonlySet<string> = new Set(MESH_SIDECARS.map((s) => s.container));

export function isMeshSidecar(containerName: string): boolean {
  return SIDECAR_NAMES.has(containerName);
}

/** The application containers among `names`: all but mesh sidecars (all of them, when every one is a sidecar). */
export function applicationContainers(names: readonly string[]): string[] {
  const apps = names.filter((name) => !isMeshSidecar(name));
  return apps.length === 0 ? [...names] : apps;
}
