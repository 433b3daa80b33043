// The one place foreign errors of Kubernetes API calls become doppel errors: an ApiException (an HTTP status
// from the API server) or a failure to reach the server at all (node-fetch's FetchError/AbortError, TLS).
import { ApiException } from "@kubernetes/client-node";
import { DoppelError, doppelError } from "../errors.ts";

/** What a request was doing, for the message: `list pods in namespace shop`. */
export interface RequestSite {
  verb: string;
  /** `pods`, `deployments.apps`, `pods/portforward`, `rollouts.argoproj.io` … */
  resource: string;
  namespace: string | null;
  name?: string;
}

/** Who and where, for messages. */
export interface ClusterIdentity {
  server: string;
  context: string;
  user: string;
}

/** Request time limit: an API server that accepts the connection but never answers fails here, not never. */
export const REQUEST_TIMEOUT_MS = 30_000;

// node-fetch and Node's TLS report the reason as an errno or OpenSSL code; say it in words.
const UNREACHABLE_REASONS: Readonly<Record<string, string>> = {
  ECONNREFUSED: "connection refused (nothing listens at that address)",
  ECONNRESET: "the connection was reset",
  ENOTFOUND: "the host name does not resolve",
  EAI_AGAIN: "the host name could not be resolved (DNS did not answer)",
  ETIMEDOUT: "the connection timed out",
  EHOSTUNREACH: "no route to the host",
  ENETUNREACH: "the network is unreachable",
  DEPTH_ZERO_SELF_SIGNED_CERT: "its TLS certificate is self-signed and not trusted by the kubeconfig",
  SELF_SIGNED_CERT_IN_CHAIN: "its TLS certificate chain is not trusted by the kubeconfig's certificate-authority",
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: "its TLS certificate does not verify against the kubeconfig's certificate-authority",
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
    "its TLS certificate does not verify against the kubeconfig's certificate-authority",
  CERT_HAS_EXPIRED: "its TLS certificate has expired",
  ERR_TLS_CERT_ALTNAME_INVALID: "its TLS certificate is not valid for that address (check tls-server-name)",
};

function describeSite(site: RequestSite): string {
  const object = site.name === undefined ? site.resource : `${site.resource}/${site.name}`;
  return `${site.verb} ${object}${site.namespace === null ? "" : ` in namespace ${site.namespace}`}`;
}

/** The API server's own words from a Status body, which the client passes on as a JSON string. */
function statusMessage(body: unknown): string {
  const parse = (text: string): unknown => {
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  };
  const value = typeof body === "string" ? parse(body) : body;
  if (typeof value === "object" && value !== null && "message" in value) return String(value.message);
  return typeof value === "string" && value !== "" ? value : "no details";
}

/** The HTTP status of an API error, or null for anything else. */
export function apiStatusOf(error: unknown): number | null {
  return error instanceof ApiException ? error.code : null;
}

function unreachableReason(error: Error & { code?: unknown; type?: unknown; cause?: unknown }): string | null {
  if (error.name === "AbortError" || error.type === "aborted") {
    return `no answer within ${REQUEST_TIMEOUT_MS / 1000} s`;
  }
  const code = typeof error.code === "string" ? error.code : null;
  if (code !== null && code in UNREACHABLE_REASONS) return UNREACHABLE_REASONS[code] as string;
  if (error.name === "FetchError" || error.type === "system") return error.message;
  return null;
}

/** Translates an error of a request; errors that are not the API's or the network's are returned untouched. */
export function translateKubeError(error: unknown, site: RequestSite, identity: ClusterIdentity): unknown {
  if (error instanceof DoppelError) return error;
  if (error instanceof ApiException) {
    const detail = statusMessage(error.body);
    switch (error.code) {
      case 401:
        return doppelError.kubeUnauthorized(identity.server, identity.context, identity.user);
      case 403:
        return doppelError.kubeForbidden(site.verb, site.resource, site.namespace, identity.user, detail);
      default:
        return doppelError.kubeApiFailed(describeSite(site), identity.server, error.code, detail);
    }
  }
  if (error instanceof Error) {
    const reason = unreachableReason(error);
    if (reason !== null) return doppelError.kubeUnreachable(identity.server, identity.context, reason);
  }
  return error;
}
