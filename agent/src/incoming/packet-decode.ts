// Decodes a captured frame (link layer → IPv4/IPv6 → TCP) into the fields TCP reassembly needs. Anything else
// (ARP, UDP, fragments, truncated headers) decodes to undefined and is skipped.
import { SocketAddress } from "node:net";

export const LinkType = {
  null: 0,
  ethernet: 1,
  raw: 101,
  linuxSll: 113,
  ipv4: 228,
  ipv6: 229,
  linuxSll2: 276,
} as const;

export const TcpFlag = { fin: 0x01, syn: 0x02, rst: 0x04, psh: 0x08, ack: 0x10 } as const;

export interface TcpSegment {
  srcAddress: string;
  dstAddress: string;
  family: 4 | 6;
  srcPort: number;
  dstPort: number;
  seq: number;
  flags: number;
  payload: Buffer;
}

const ETHERTYPE_IPV4 = 0x0800;
const ETHERTYPE_IPV6 = 0x86dd;
const ETHERTYPE_VLAN = 0x8100;
const IPPROTO_TCP = 6;
/** IPv6 extension headers that use the generic (next header, length in 8-octet units) layout. */
const IPV6_EXTENSIONS = new Set([0, 43, 60]);

export function decodeTcpSegment(linkType: number, frame: Buffer): TcpSegment | undefined {
  const ip = networkLayer(linkType, frame);
  if (!ip || ip.length < 1) return undefined;
  const version = (ip[0] as number) >> 4;
  if (version === 4) return decodeIpv4(ip);
  if (version === 6) return decodeIpv6(ip);
  return undefined;
}

function networkLayer(linkType: number, frame: Buffer): Buffer | undefined {
  switch (linkType) {
    case LinkType.ethernet: {
      let offset = 12;
      let etherType = frame.length >= 14 ? frame.readUInt16BE(offset) : 0;
      while (etherType === ETHERTYPE_VLAN && frame.length >= offset + 6) {
        offset += 4;
        etherType = frame.readUInt16BE(offset);
      }
      return isIpEtherType(etherType) ? frame.subarray(offset + 2) : undefined;
    }
    case LinkType.linuxSll:
      return frame.length >= 16 && isIpEtherType(frame.readUInt16BE(14)) ? frame.subarray(16) : undefined;
    case LinkType.linuxSll2:
      return frame.length >= 20 && isIpEtherType(frame.readUInt16BE(0)) ? frame.subarray(20) : undefined;
    case LinkType.null:
      return frame.subarray(4);
    case LinkType.raw:
    case LinkType.ipv4:
    case LinkType.ipv6:
      return frame;
    default:
      return undefined;
  }
}

function isIpEtherType(etherType: number): boolean {
  return etherType === ETHERTYPE_IPV4 || etherType === ETHERTYPE_IPV6;
}

function decodeIpv4(ip: Buffer): TcpSegment | undefined {
  if (ip.length < 20) return undefined;
  const headerLength = ((ip[0] as number) & 0x0f) * 4;
  const totalLength = ip.readUInt16BE(2);
  const fragment = ip.readUInt16BE(6);
  // More-fragments set or a non-zero offset: not a whole TCP segment.
  if ((fragment & 0x2000) !== 0 || (fragment & 0x1fff) !== 0) return undefined;
  if (ip[9] !== IPPROTO_TCP || headerLength < 20) return undefined;
  const end = Math.min(ip.length, totalLength || ip.length);
  const src = `${ip[12]}.${ip[13]}.${ip[14]}.${ip[15]}`;
  const dst = `${ip[16]}.${ip[17]}.${ip[18]}.${ip[19]}`;
  return decodeTcp(ip.subarray(headerLength, end), src, dst, 4);
}

function decodeIpv6(ip: Buffer): TcpSegment | undefined {
  if (ip.length < 40) return undefined;
  const end = Math.min(ip.length, 40 + ip.readUInt16BE(4));
  let nextHeader = ip[6] as number;
  let offset = 40;
  while (IPV6_EXTENSIONS.has(nextHeader) && offset + 2 <= end) {
    nextHeader = ip[offset] as number;
    offset += ((ip[offset + 1] as number) + 1) * 8;
  }
  if (nextHeader !== IPPROTO_TCP) return undefined;
  return decodeTcp(ip.subarray(offset, end), ipv6Text(ip.subarray(8, 24)), ipv6Text(ip.subarray(24, 40)), 6);
}

function decodeTcp(tcp: Buffer, srcAddress: string, dstAddress: string, family: 4 | 6): TcpSegment | undefined {
  if (tcp.length < 20) return undefined;
  const dataOffset = ((tcp[12] as number) >> 4) * 4;
  if (dataOffset < 20 || dataOffset > tcp.length) return undefined;
  return {
    srcAddress,
    dstAddress,
    family,
    srcPort: tcp.readUInt16BE(0),
    dstPort: tcp.readUInt16BE(2),
    seq: tcp.readUInt32BE(4),
    flags: tcp[13] as number,
    payload: tcp.subarray(dataOffset),
  };
}

/** inet_ntop's text form (Node's SocketAddress parses and prints through the C library). */
function ipv6Text(bytes: Buffer): string {
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(bytes.readUInt16BE(i).toString(16));
  return new SocketAddress({ address: groups.join(":"), family: "ipv6" }).address;
}
