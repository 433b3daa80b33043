// getaddrinfo/getnameinfo as the target would answer them: its /etc/hosts first, then DNS through the
// nameservers, search list and ndots of its /etc/resolv.conf. The DNS queries themselves are sent by the network
// worker (c-ares inside the target's network namespace), passed in as `query`.
import { isIP } from "node:net";
import type { DnsRecordType } from "../netns/worker-messages.ts";
import { type HostsEntry, hostsLookup, hostsReverse, parseHostsFile } from "./hosts-file.ts";
import { parseResolvConf, type ResolvConf, searchCandidates } from "./resolv-conf.ts";

export const AF_UNSPEC = 0;
export const AF_INET = 2;
export const AF_INET6 = 10;
export const SOCK_STREAM = 1;
export const SOCK_DGRAM = 2;
export const SOCK_RAW = 3;
export const AI_CANONNAME = 0x2;
export const AI_NUMERICHOST = 0x4;

/** glibc's EAI_* values (netdb.h). */
export const EaiCode = {
  EAI_NONAME: -2,
  EAI_AGAIN: -3,
  EAI_FAIL: -4,
  EAI_FAMILY: -6,
  EAI_SOCKTYPE: -7,
} as const;
export type EaiName = keyof typeof EaiCode;

export class DnsError extends Error {
  readonly eai: number;
  constructor(
    readonly code: EaiName,
    message: string,
  ) {
    super(`${code}: ${message}`);
    this.eai = EaiCode[code];
  }
}

export type DnsQuery = (
  servers: string[],
  timeoutMs: number,
  tries: number,
  name: string,
  type: DnsRecordType,
) => Promise<string[]>;

export interface AddrInfoRequest {
  node: string;
  family: number;
  socktype: number;
  protocol: number;
  flags: number;
}

export interface AddrInfo {
  family: number;
  address: string;
  socktype: number;
  protocol: number;
}

export interface AddrInfoResult {
  canonicalName: string;
  addresses: AddrInfo[];
}

/** The (socktype, protocol) rows glibc returns per address for each requested socktype. */
const SOCKTYPE_ROWS: Readonly<Record<number, ReadonlyArray<readonly [number, number]>>> = {
  0: [
    [SOCK_STREAM, 6],
    [SOCK_DGRAM, 17],
    [SOCK_RAW, 0],
  ],
  [SOCK_STREAM]: [[SOCK_STREAM, 6]],
  [SOCK_DGRAM]: [[SOCK_DGRAM, 17]],
  [SOCK_RAW]: [[SOCK_RAW, 0]],
};

/** c-ares answers that mean "this name has nothing", so the next search candidate is tried. */
const NOT_FOUND_CODES = new Set(["ENOTFOUND", "ENODATA", "NOTFOUND", "NODATA"]);

export class TargetResolver {
  readonly #readTargetFile: (path: string) => Promise<string>;
  readonly #query: DnsQuery;

  constructor(readTargetFile: (path: string) => Promise<string>, query: DnsQuery) {
    this.#readTargetFile = readTargetFile;
    this.#query = query;
  }

  async getaddrinfo(request: AddrInfoRequest): Promise<AddrInfoResult> {
    const rows = SOCKTYPE_ROWS[request.socktype];
    if (!rows) throw new DnsError("EAI_SOCKTYPE", `socket type ${request.socktype} is not supported`);
    if (![AF_UNSPEC, AF_INET, AF_INET6].includes(request.family)) {
      throw new DnsError("EAI_FAMILY", `address family ${request.family} is not supported`);
    }
    const wanted = rows.filter(([, protocol]) => request.protocol === 0 || protocol === request.protocol);
    const { canonicalName, addresses } = await this.#lookup(request);
    return {
      canonicalName,
      addresses: addresses.flatMap(({ family, address }) =>
        wanted.map(([socktype, protocol]) => ({ family, address, socktype, protocol })),
      ),
    };
  }

  /** getnameinfo(NI_NAMEREQD)-style reverse lookup: hosts file first, then a PTR query. */
  async reverse(address: string): Promise<string> {
    if (isIP(address) === 0) throw new DnsError("EAI_FAMILY", `${address} is not an IP address`);
    const fromHosts = hostsReverse(await this.#hosts(), address);
    if (fromHosts) return fromHosts;
    const conf = await this.#resolvConf();
    try {
      const [name] = await this.#query(conf.nameservers, conf.timeoutSeconds * 1000, conf.attempts, address, "PTR");
      if (name) return name;
    } catch (error) {
      throw dnsFailure(error, address);
    }
    throw new DnsError("EAI_NONAME", `no PTR record for ${address}`);
  }

  async #lookup(
    request: AddrInfoRequest,
  ): Promise<{ canonicalName: string; addresses: Array<{ family: number; address: string }> }> {
    const literalFamily = isIP(request.node);
    if (literalFamily !== 0) {
      const family = literalFamily === 4 ? AF_INET : AF_INET6;
      if (request.family !== AF_UNSPEC && request.family !== family) {
        throw new DnsError("EAI_FAMILY", `${request.node} is not an address of family ${request.family}`);
      }
      return { canonicalName: request.node, addresses: [{ family, address: request.node }] };
    }
    if (request.flags & AI_NUMERICHOST) throw new DnsError("EAI_NONAME", `${request.node} is not a numeric address`);

    const fromHosts = hostsLookup(await this.#hosts(), request.node).filter((entry) =>
      familyWanted(request.family, entry),
    );
    if (fromHosts.length > 0) {
      return {
        canonicalName: fromHosts[0]?.names[0] ?? request.node,
        addresses: fromHosts.map((entry) => ({
          family: entry.family === 4 ? AF_INET : AF_INET6,
          address: entry.address,
        })),
      };
    }

    const conf = await this.#resolvConf();
    const types: DnsRecordType[] =
      request.family === AF_INET ? ["A"] : request.family === AF_INET6 ? ["AAAA"] : ["A", "AAAA"];
    let lastFailure: unknown;
    for (const candidate of searchCandidates(request.node, conf)) {
      const addresses: Array<{ family: number; address: string }> = [];
      for (const type of types) {
        try {
          const answers = await this.#query(
            conf.nameservers,
            conf.timeoutSeconds * 1000,
            conf.attempts,
            candidate,
            type,
          );
          for (const address of answers) addresses.push({ family: type === "A" ? AF_INET : AF_INET6, address });
        } catch (error) {
          if (!NOT_FOUND_CODES.has((error as { code?: string }).code ?? "")) lastFailure = error;
        }
      }
      if (addresses.length > 0) return { canonicalName: candidate, addresses };
    }
    if (lastFailure) throw dnsFailure(lastFailure, request.node);
    throw new DnsError(
      "EAI_NONAME",
      `${request.node} is not known to the target's hosts file or DNS (search: ${conf.search.join(" ") || "none"})`,
    );
  }

  async #resolvConf(): Promise<ResolvConf> {
    return parseResolvConf(await this.#readOptional("/etc/resolv.conf"));
  }

  async #hosts(): Promise<HostsEntry[]> {
    return parseHostsFile(await this.#readOptional("/etc/hosts"));
  }

  async #readOptional(path: string): Promise<string> {
    try {
      return await this.#readTargetFile(path);
    } catch (error) {
      if ((error as { code?: string }).code === "ENOENT") return "";
      throw error;
    }
  }
}

function familyWanted(family: number, entry: HostsEntry): boolean {
  return family === AF_UNSPEC || (family === AF_INET ? entry.family === 4 : entry.family === 6);
}

function dnsFailure(error: unknown, name: string): DnsError {
  const code = (error as { code?: string }).code ?? "";
  if (NOT_FOUND_CODES.has(code)) return new DnsError("EAI_NONAME", `${name} has no DNS records`);
  const transient = [
    "ETIMEOUT",
    "ECONNREFUSED",
    "ESERVFAIL",
    "TIMEOUT",
    "CONNREFUSED",
    "SERVFAIL",
    "EREFUSED",
    "REFUSED",
  ];
  const message = `resolving ${name} failed (${code || String(error)})`;
  return new DnsError(transient.includes(code) ? "EAI_AGAIN" : "EAI_FAIL", message);
}
