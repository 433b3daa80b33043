// The Kubernetes client a command works with: kubeconfig and context chosen as kubectl chooses them, the default
// namespace (-n > target.namespace > the context's > "default"), typed API clients whose requests time out, and
// `request`, which turns every failure into a doppel error naming the verb, resource and namespace.
import {
  type ApiConstructor,
  ApisApi,
  type ApiType,
  AppsV1Api,
  AuthorizationV1Api,
  BatchV1Api,
  CoreV1Api,
  CustomObjectsApi,
  createConfiguration,
  type KubeConfig,
  type RequestContext,
  type ResponseContext,
  ServerConfiguration,
} from "@kubernetes/client-node";
import type { ResolvedConfig } from "../config/index.ts";
import { doppelError } from "../errors.ts";
import {
  apiStatusOf,
  type ClusterIdentity,
  REQUEST_TIMEOUT_MS,
  type RequestSite,
  translateKubeError,
} from "./api-errors.ts";
import { chooseContext, type KubeconfigSource, kubeconfigSource, readKubeconfig } from "./kubeconfig.ts";

export interface KubeClientOptions {
  /** --kubeconfig (wins), then the `kubeconfig` key; both null: KUBECONFIG, then ~/.kube/config. */
  kubeconfigFlag: string | null;
  kubeconfigKey: string | null;
  /** --context, else `kube_context`; null: the kubeconfig's current-context. */
  context: string | null;
  /** -n/--namespace, else `target.namespace`; null: the context's namespace, else "default". */
  namespace: string | null;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Aborts every request in flight (and every later one) when it fires. */
  signal?: AbortSignal;
}

export interface KubeClient extends ClusterIdentity {
  /** client-node's configuration with the chosen context current (for Watch, PortForward, Exec, Log). */
  config: KubeConfig;
  /** The namespace commands work in unless told otherwise. */
  namespace: string;
  kubeconfig: KubeconfigSource;
  core: CoreV1Api;
  apps: AppsV1Api;
  batch: BatchV1Api;
  custom: CustomObjectsApi;
  authorization: AuthorizationV1Api;
  apis: ApisApi;
  /** Another generated API client with the same timeouts and credentials. */
  api<T extends ApiType>(type: ApiConstructor<T>): T;
  /** Runs one API call; any failure is thrown as a doppel error about `site`. */
  request<T>(site: RequestSite, call: () => Promise<T>): Promise<T>;
  /** Like `request`, but a 404 (the object does not exist) is null. */
  find<T>(site: RequestSite, call: () => Promise<T>): Promise<T | null>;
}

/** The client options from a loaded configuration and the command's flags (flags win). */
export function kubeClientOptions(
  config: Pick<ResolvedConfig, "kubeconfig" | "kube_context" | "target">,
  flags: { kubeconfig?: string; context?: string; namespace?: string },
  io: { env: NodeJS.ProcessEnv; cwd: string },
): KubeClientOptions {
  return {
    kubeconfigFlag: flags.kubeconfig ?? null,
    kubeconfigKey: config.kubeconfig ?? null,
    context: flags.context ?? config.kube_context ?? null,
    namespace: flags.namespace ?? config.target.namespace ?? null,
    env: io.env,
    cwd: io.cwd,
  };
}

/** Reads the kubeconfig and chooses the context; sends nothing yet. Throws KUBECONFIG_* / KUBE_CONTEXT_NOT_FOUND. */
export function createKubeClient(options: KubeClientOptions): KubeClient {
  const source = kubeconfigSource({
    flag: options.kubeconfigFlag,
    configKey: options.kubeconfigKey,
    env: options.env,
    cwd: options.cwd,
  });
  const config = readKubeconfig(source);
  const { context, cluster, user } = chooseContext(config, options.context, source);
  const identity: ClusterIdentity = { server: cluster.server, context: context.name, user: user.name };

  // Every request gets a deadline, joined with the caller's signal.
  const deadline = {
    pre: async (request: RequestContext) => {
      const timeout = AbortSignal.timeout(REQUEST_TIMEOUT_MS);
      request.setSignal(options.signal === undefined ? timeout : AbortSignal.any([timeout, options.signal]));
      return request;
    },
    post: async (response: ResponseContext) => response,
  };
  // Credentials come from the kubeconfig: tokens, certificate files, exec plugins (gke-gcloud-auth-plugin, aws
  // eks get-token…). Their failures are the user's to fix, not a bug.
  const credentials = {
    getName: () => config.getName(),
    applySecurityAuthentication: async (request: RequestContext) => {
      try {
        await config.applySecurityAuthentication(request);
      } catch (error) {
        const reason = error instanceof Error ? error.message.trim() || error.name : String(error);
        throw doppelError.kubeCredentialsFailed(user.name, context.name, reason);
      }
    },
  };
  const api = <T extends ApiType>(type: ApiConstructor<T>): T =>
    new type(
      createConfiguration({
        baseServer: new ServerConfiguration(cluster.server, {}),
        authMethods: { default: credentials },
        promiseMiddleware: [deadline],
      }),
    );
  const request = async <T>(site: RequestSite, call: () => Promise<T>): Promise<T> => {
    try {
      return await call();
    } catch (error) {
      throw translateKubeError(error, site, identity);
    }
  };
  return {
    ...identity,
    config,
    namespace: options.namespace ?? context.namespace ?? "default",
    kubeconfig: source,
    core: api(CoreV1Api),
    apps: api(AppsV1Api),
    batch: api(BatchV1Api),
    custom: api(CustomObjectsApi),
    authorization: api(AuthorizationV1Api),
    apis: api(ApisApi),
    api,
    request,
    async find<T>(site: RequestSite, call: () => Promise<T>): Promise<T | null> {
      try {
        return await call();
      } catch (error) {
        if (apiStatusOf(error) === 404) return null;
        throw translateKubeError(error, site, identity);
      }
    },
  };
}
