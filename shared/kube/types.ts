// What the Kubernetes parts hand each other: a target resolved to the one container a session attaches to.

export interface ResolvedKubeTarget {
  /** The target as the user wrote it, e.g. `deployment/web` or `pod/web-0/container/app`. */
  path: string;
  namespace: string;
  pod: string;
  podUid: string;
  container: string;
  /** As the pod status reports it, runtime prefix included: `containerd://<64 hex>`. */
  containerId: string;
  node: string;
  podIp: string;
}
