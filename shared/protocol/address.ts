// The `addr` field's IP text ↔ bytes conversion (PROTOCOL.md §2): dotted quad for IPv4, RFC 5952 for IPv6.
import { isIPv4, isIPv6 } from "node:net";
import ipaddr from "ipaddr.js";
import type { Address } from "./messages.ts";

/** Address bytes for `address`, or an explanation of why it is not a valid `addr`. */
export function ipToBytes(address: Address): Uint8Array | string {
  const { family, ip } = address;
  if (family === 0) return ip === "" ? new Uint8Array(0) : `family 0 needs an empty ip, got "${ip}"`;
  if (family === 4) return isIPv4(ip) ? Uint8Array.from(ipaddr.IPv4.parse(ip).toByteArray()) : `"${ip}" is not IPv4`;
  if (family === 6) {
    // A zone ("fe80::1%eth0") has no place on the wire; refuse it rather than drop it silently.
    if (!isIPv6(ip) || ip.includes("%")) return `"${ip}" is not IPv6 without a zone`;
    return Uint8Array.from(ipaddr.IPv6.parse(ip).toByteArray());
  }
  return `family must be 0, 4 or 6, got ${String(family)}`;
}

export function ipFromBytes(family: 0 | 4 | 6, bytes: Uint8Array): string {
  if (family === 0) return "";
  if (family === 4) return bytes.join(".");
  return new ipaddr.IPv6(Array.from(bytes)).toRFC5952String();
}

export const ADDRESS_LENGTH = { 0: 0, 4: 4, 6: 16 } as const;
