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
  /** What the user should know about the choice: a pod picked at random among several, a container picked
   * among several, a policy label that could not be read. Print them before the session starts. */
  warnings: string[];
}
