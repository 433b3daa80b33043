// Turns the resolved configuration into the LAYER_CONFIG the native layer receives (PROTOCOL.md §6): everything
// the C side decides per call, already parsed — modes as numbers, address filters as subnets, names and ports.
import ipaddr from "ipaddr.js";
import type { ResolvedAddressFilter, ResolvedConfig } from "../config/types.gen.ts";
import type { Address, Body } from "../protocol/index.ts";

type LayerFilter = Body<"LAYER_CONFIG">["outgoing_filter"][number];

const fsModes = { local: 0, localwithoverrides: 1, read: 2, write: 3 } as const;
const incomingModes = { off: 0, mirror: 1, steal: 2 } as const;
const protocols: Record<string, number> = { tcp: 6, udp: 17 };
const FilterMode = { none: 0, remote: 1, local: 2 } as const;
const noAddress: Address = { family: 0, ip: "", port: 0 };

export class AddressFilterError extends Error {
  override name = "AddressFilterError";
}

/**
 * One `addressList` entry: `[protocol://][name|address|subnet/mask][:port]` — `tcp://10.0.0.0/8:5432`,
 * `db.internal`, `:53`, `[fd00::1]:80`.
 */
export function parseAddressFilter(entry: string): LayerFilter {
  let rest = entry.trim();
  let protocol = 0;
  const scheme = /^([a-z]+):\/\//i.exec(rest);
  if (scheme) {
    const named = protocols[(scheme[1] ?? "").toLowerCase()];
    if (named === undefined) throw new AddressFilterError(`"${entry}": protocol must be tcp:// or udp://`);
    protocol = named;
    rest = rest.slice(scheme[0].length);
  }
  let host = rest;
  let port = 0;
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(rest);
  const withPort = /^([^:]*):(\d+)$/.exec(rest);
  if (bracketed) {
    host = bracketed[1] ?? "";
    port = bracketed[2] ? Number(bracketed[2]) : 0;
  } else if (withPort) {
    host = withPort[1] ?? "";
    port = Number(withPort[2]);
  }
  if (port > 65535) throw new AddressFilterError(`"${entry}": port ${port} is above 65535`);
  if (host === "") return { protocol, prefix_len: 0, address: { ...noAddress, port }, name: "" };
  if (host.includes("/")) {
    let parsed: [ipaddr.IPv4 | ipaddr.IPv6, number];
    try {
      parsed = ipaddr.parseCIDR(host);
    } catch {
      throw new AddressFilterError(`"${entry}": "${host}" is not a subnet like 10.0.0.0/8`);
    }
    const [ip, prefixLength] = parsed;
    return { protocol, prefix_len: prefixLength, address: addressOf(ip, port), name: "" };
  }
  if (ipaddr.isValid(host)) {
    const ip = ipaddr.parse(host);
    return { protocol, prefix_len: ip.kind() === "ipv4" ? 32 : 128, address: addressOf(ip, port), name: "" };
  }
  if (!/^[A-Za-z0-9_.-]+$/.test(host))
    throw new AddressFilterError(`"${entry}": "${host}" is not a host name, address or subnet`);
  return { protocol, prefix_len: 0, address: { ...noAddress, port }, name: host };
}

function addressOf(ip: ipaddr.IPv4 | ipaddr.IPv6, port: number): Address {
  return ip.kind() === "ipv4"
    ? { family: 4, ip: ip.toString(), port }
    : { family: 6, ip: (ip as ipaddr.IPv6).toRFC5952String(), port };
}

function filterOf(filter: ResolvedAddressFilter | null): { mode: number; entries: LayerFilter[] } {
  if (filter?.remote) return { mode: FilterMode.remote, entries: filter.remote.map(parseAddressFilter) };
  if (filter?.local) return { mode: FilterMode.local, entries: filter.local.map(parseAddressFilter) };
  return { mode: FilterMode.none, entries: [] };
}

/** `logLevel` follows LOG's numbering: 1 error … 4 debug. */
export function layerConfigOf(config: ResolvedConfig, logLevel: number): Body<"LAYER_CONFIG"> {
  const { fs, network } = config.feature;
  const outgoing = filterOf(network.outgoing.filter);
  const dns = filterOf(network.dns.filter);
  const { incoming } = network;
  return {
    fs_mode: fsModes[fs.mode],
    fs_read_write: fs.read_write ?? [],
    fs_read_only: fs.read_only ?? [],
    fs_local: fs.local ?? [],
    fs_not_found: fs.not_found ?? [],
    outgoing_tcp: network.outgoing.tcp,
    outgoing_udp: network.outgoing.udp,
    outgoing_filter_mode: outgoing.mode,
    outgoing_filter: outgoing.entries,
    dns_enabled: network.dns.enabled,
    dns_filter_mode: dns.mode,
    dns_filter: dns.entries,
    incoming_mode: incomingModes[incoming.mode],
    incoming_ports: incoming.ports ?? [],
    incoming_ignore_ports: incoming.ignore_ports ?? [],
    port_mapping: (incoming.port_mapping ?? []).map(([local, remote]) => ({ local, remote })),
    // [requested, actual]: the app asks for the pod's port and really listens on `actual` here.
    listen_ports: (incoming.listen_ports ?? []).map(([requested, actual]) => ({ local: actual, remote: requested })),
    incoming_ignore_localhost: incoming.ignore_localhost,
    ignore_localhost: network.outgoing.ignore_localhost,
    skip_processes: config.skip_processes ?? [],
    skip_build_tools: config.skip_build_tools,
    log_level: logLevel,
  };
}
