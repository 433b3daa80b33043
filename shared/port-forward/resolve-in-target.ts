// Host names of -L forwards are resolved by the agent, with the target's resolv.conf (search path, cluster DNS),
// at each connection — a Service that moves is found again by the next connection.
import { isIP } from "node:net";
import type { Address } from "../protocol/index.ts";
import type { AgentLink } from "../session/agent-link.ts";

const SOCK_STREAM = 1;
const IPPROTO_TCP = 6;

/** glibc's EAI_* statuses (netdb.h) a lookup may end with, in words. */
const LOOKUP_FAILURES: Readonly<Record<number, string>> = {
  [-2]: "no such name (EAI_NONAME)",
  [-3]: "temporary failure in name resolution (EAI_AGAIN)",
  [-4]: "the name server failed (EAI_FAIL)",
  [-5]: "the name has no address (EAI_NODATA)",
  [-9]: "the name has no address of this family (EAI_ADDRFAMILY)",
};

export class LookupError extends Error {
  override name = "LookupError";
}

/** The addresses `host` has in the target, in the order the target's resolver gives them; an IP is itself. */
export async function resolveInTarget(link: AgentLink, host: string, port: number): Promise<Address[]> {
  const family = isIP(host);
  if (family !== 0) return [{ family: family === 6 ? 6 : 4, ip: host, port }];
  const reply = await link.request("DNS_GETADDRINFO", {
    host,
    service: "",
    family: 0,
    socktype: SOCK_STREAM,
    protocol: IPPROTO_TCP,
    flags: 0,
  });
  if (reply.type !== "DNS_ADDRINFO") throw new LookupError(`the agent answered DNS_GETADDRINFO with ${reply.type}`);
  const { status, entries } = reply.body;
  if (status !== 0 || entries.length === 0) {
    const why = status === 0 ? "the name has no address" : (LOOKUP_FAILURES[status] ?? `getaddrinfo status ${status}`);
    throw new LookupError(`cannot resolve ${host} in the target: ${why}`);
  }
  return entries.map((entry) => ({ ...entry.address, port }));
}
