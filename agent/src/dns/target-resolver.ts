// getaddrinfo/getnameinfo as the target would answer them: its /etc/hosts first, then DNS through the
// nameservers, search list and ndots of its /etc/resolv.conf. The DNS queries themselves are sent by the network
// worker (c-ares inside the target's network namespace), passed in as `query`.
import { isIP } from "node:net";
import type { DnsRecordType } from "../netns/worker-messages.ts";
import { type HostsEntry, hostsLookup, hostsReverse, parseHostsFile } from "./hosts-file.ts";
import { parseResolvConf, type ResolvConf, searchCandidates } from "./resolv-conf.ts";
import { parseServicesFile, serviceName, servicePort } from "./services-file.ts";

export const AF_UNSPEC = 0;
export const AF_INET = 2;
export const AF_INET6 = 10;
export const SOCK_STREAM = 1;
export const SOCK_DGRAM = 2;
export const SOCK_RAW = 3;
export const AI_PASSIVE = 0x1;
export const AI_CANONNAME = 0x2;
export const AI_NUMERICHOST = 0x4;
export const AI_NUMERICSERV = 0x400;
export const NI_NUMERICHOST = 0x1;
export const NI_NUMERICSERV = 0x2;
export const NI_NAMEREQD = 0x8;
export const NI_DGRAM = 0x10;

/** glibc's EAI_* values (netdb.h). */
export const EaiCode = {
  EAI_NONAME: -2,
  EAI_AGAIN: -3,
  EAI_FAIL: -4,
  EAI_FAMILY: -6,
  EAI_SOCKTYPE: -7,
  EAI_SERVICE: -8,
  EAI_ADDRFAMILY: -9,
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
  /** Empty stands for NULL: the wildcard (AI_PASSIVE) or loopback address. */
  node: string;
  /** Empty stands for NULL (port 0); a number or a name from the target's /etc/services. */
  service: string;
  family: number;
  socktype: number;
  protocol: number;
  flags: number;
}

export interface AddrInfo {
  family: number;
  address: string;
  port: number;
  socktype: number;
  protocol: number;
  /** Set on the first entry only, and only when AI_CANONNAME was asked for. */
  canonicalName: string;
}

export interface NameInfo {
  host: string;
  service: string;
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

  async getaddrinfo(request: AddrInfoRequest): Promise<AddrInfo[]> {
    const rows = SOCKTYPE_ROWS[request.socktype];
    if (!rows) throw new DnsError("EAI_SOCKTYPE", `socket type ${request.socktype} is not supported`);
    if (![AF_UNSPEC, AF_INET, AF_INET6].includes(request.family)) {
      throw new DnsError("EAI_FAMILY", `address family ${request.family} is not supported`);
    }
    const wanted = rows.filter(([, protocol]) => request.protocol === 0 || protocol === request.protocol);
    const withPorts = await this.#servicePorts(request, wanted);
    const { canonicalName, addresses } = await this.#lookup(request);
    const entries = addresses.flatMap(({ family, address }) =>
      withPorts.map(([socktype, protocol, port]) => ({ family, address, port, socktype, protocol, canonicalName: "" })),
    );
    const first = entries[0];
    if (first && request.flags & AI_CANONNAME) first.canonicalName = canonicalName;
    return entries;
  }

  /** getnameinfo(3): host by hosts file then PTR (numeric unless NI_NAMEREQD), service by /etc/services. */
  async getnameinfo(address: string, port: number, flags: number): Promise<NameInfo> {
    let host = address;
    if (!(flags & NI_NUMERICHOST)) {
      try {
        host = await this.reverse(address);
      } catch (error) {
        if (flags & NI_NAMEREQD) throw error;
      }
    }
    let service = String(port);
    if (!(flags & NI_NUMERICSERV)) {
      const services = parseServicesFile(await this.#readOptional("/etc/services"));
      service = serviceName(services, port, flags & NI_DGRAM ? "udp" : "tcp") ?? service;
    }
    return { host, service };
  }

  /** Reverse lookup of an address: hosts file first, then a PTR query. */
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

  /**
   * The (socktype, protocol, port) rows for the service, like glibc: no service or a number applies to every row; a
   * name keeps only the rows whose protocol /etc/services lists it for (never SOCK_RAW).
   */
  async #servicePorts(
    request: AddrInfoRequest,
    rows: ReadonlyArray<readonly [number, number]>,
  ): Promise<Array<readonly [number, number, number]>> {
    if (request.service === "") return rows.map(([socktype, protocol]) => [socktype, protocol, 0] as const);
    if (/^\d+$/.test(request.service)) {
      const port = Number(request.service);
      return rows.map(([socktype, protocol]) => [socktype, protocol, port] as const);
    }
    if (request.flags & AI_NUMERICSERV) throw new DnsError("EAI_NONAME", `service ${request.service} is not numeric`);
    const services = parseServicesFile(await this.#readOptional("/etc/services"));
    const named = rows.flatMap(([socktype, protocol]) => {
      if (socktype === SOCK_RAW) return [];
      const port = servicePort(services, request.service, socktype === SOCK_DGRAM ? "udp" : "tcp");
      return port === undefined ? [] : [[socktype, protocol, port] as const];
    });
    if (named.length === 0) {
      throw new DnsError(
        "EAI_SERVICE",
        `service ${request.service} is not in the target's /etc/services for this socket type`,
      );
    }
    return named;
  }

  async #lookup(
    request: AddrInfoRequest,
  ): Promise<{ canonicalName: string; addresses: Array<{ family: number; address: string }> }> {
    if (request.node === "") {
      const passive = (request.flags & AI_PASSIVE) !== 0;
      const v4 = { family: AF_INET, address: passive ? "0.0.0.0" : "127.0.0.1" };
      const v6 = { family: AF_INET6, address: passive ? "::" : "::1" };
      // glibc's order: the wildcard IPv4 first, but the loopback IPv6 first.
      const both = passive ? [v4, v6] : [v6, v4];
      const addresses = request.family === AF_INET ? [v4] : request.family === AF_INET6 ? [v6] : both;
      return { canonicalName: "", addresses };
    }
    const literalFamily = isIP(request.node);
    if (literalFamily !== 0) {
      const family = literalFamily === 4 ? AF_INET : AF_INET6;
      if (request.family !== AF_UNSPEC && request.family !== family) {
        throw new DnsError("EAI_ADDRFAMILY", `${request.node} is not an address of family ${request.family}`);
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
      // A and AAAA go out together, as glibc sends them; answers keep the A-then-AAAA order.
      const outcomes = await Promise.allSettled(
        types.map((type) => this.#query(conf.nameservers, conf.timeoutSeconds * 1000, conf.attempts, candidate, type)),
      );
      const addresses: Array<{ family: number; address: string }> = [];
      outcomes.forEach((outcome, i) => {
        if (outcome.status === "fulfilled") {
          const family = types[i] === "A" ? AF_INET : AF_INET6;
          for (const address of outcome.value) addresses.push({ family, address });
        } else if (!NOT_FOUND_CODES.has((outcome.reason as { code?: string }).code ?? "")) {
          lastFailure = outcome.reason;
        }
      });
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

/**
 * c-ares failures glibc reports as TRY_AGAIN (EAI_AGAIN): its resolver treats SERVFAIL and REFUSED answers like an
 * unreachable server (res_send moves on, then fails with ECONNREFUSED). Anything else is NO_RECOVERY (EAI_FAIL).
 */
const TRANSIENT_CODES = new Set([
  "ETIMEOUT",
  "ECONNREFUSED",
  "ESERVFAIL",
  "EREFUSED",
  "TIMEOUT",
  "CONNREFUSED",
  "SERVFAIL",
  "REFUSED",
]);

function dnsFailure(error: unknown, name: string): DnsError {
  const code = (error as { code?: string }).code ?? "";
  if (NOT_FOUND_CODES.has(code)) return new DnsError("EAI_NONAME", `${name} has no DNS records`);
  const message = `resolving ${name} failed (${code || String(error)})`;
  return new DnsError(TRANSIENT_CODES.has(code) ? "EAI_AGAIN" : "EAI_FAIL", message);
}
