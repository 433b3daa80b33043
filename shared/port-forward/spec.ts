// The grammar of `doppel port-forward` forwards: `-L [lport:]host:rport` and `-R rport[:lport]`. A host is a DNS
// name (resolved in the target, at each connection), an IPv4 address, or an IPv6 address in brackets.
import ipaddr from "ipaddr.js";
import { doppelError } from "../errors.ts";

export const LOCAL_GRAMMAR = "-L [lport:]host:rport, e.g. -L 8080:web:80 or -L web.shop.svc.cluster.local:80";
export const REMOTE_GRAMMAR = "-R rport[:lport], e.g. -R 80:3000 or -R 8080";

/** -L: listen on 127.0.0.1:localPort, connect each connection from the target to host:remotePort. */
export interface LocalForwardSpec {
  /** The argument as written, for messages. */
  text: string;
  localPort: number;
  /** A DNS name or an IP address (without brackets). */
  host: string;
  remotePort: number;
}

/** -R: the target's incoming connections on remotePort go to 127.0.0.1:localPort. */
export interface RemoteForwardSpec {
  text: string;
  remotePort: number;
  localPort: number;
}

// Labels of letters, digits, "-" and "_" (Kubernetes and SRV-style names), dot-separated, an optional final dot.
const HOST_NAME =
  /^(?=.{1,253}\.?$)[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?(\.[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?)*\.?$/;
const PORT = /^[0-9]{1,5}$/;

function port(word: string, what: string, fail: (reason: string) => never): number {
  const value = Number(word);
  if (!PORT.test(word) || value < 1 || value > 65535) fail(`${what} "${word}" is not a port number from 1 to 65535`);
  return value;
}

function host(word: string, fail: (reason: string) => never): string {
  if (word.startsWith("[") && word.endsWith("]")) {
    const inside = word.slice(1, -1);
    if (!ipaddr.IPv6.isValid(inside)) fail(`"${word}" is not an IPv6 address in brackets`);
    return inside;
  }
  if (ipaddr.IPv4.isValidFourPartDecimal(word)) return word;
  if (word.includes(":")) fail(`host "${word}" looks like an IPv6 address: write it in brackets, e.g. [${word}]`);
  if (!HOST_NAME.test(word)) fail(`host "${word}" is neither a DNS name nor an IP address`);
  return word;
}

/** Splits at colons outside brackets: "8080:[fd00::1]:80" → ["8080", "[fd00::1]", "80"]. */
function fields(text: string): string[] {
  return text.match(/\[[^\]]*\]|[^:]+|(?<=:)(?=:|$)|^(?=:)/g) ?? [];
}

export function parseLocalForward(text: string): LocalForwardSpec {
  const fail = (reason: string): never => {
    throw doppelError.portForwardSpecInvalid("-L", text, reason, LOCAL_GRAMMAR);
  };
  const parts = fields(text);
  if (parts.length < 2 || parts.length > 3)
    fail('expected 2 or 3 fields separated by ":" (an IPv6 host goes in brackets: [fd00::1])');
  const [first = "", second = "", third] = parts;
  const remotePort = port(third ?? second, "rport", fail);
  const hostName = host(third === undefined ? first : second, fail);
  const localPort = third === undefined ? remotePort : port(first, "lport", fail);
  return { text, localPort, host: hostName, remotePort };
}

export function parseRemoteForward(text: string): RemoteForwardSpec {
  const fail = (reason: string): never => {
    throw doppelError.portForwardSpecInvalid("-R", text, reason, REMOTE_GRAMMAR);
  };
  const parts = text.split(":");
  if (parts.length > 2) fail("expected rport or rport:lport");
  const [first = "", second] = parts;
  const remotePort = port(first, "rport", fail);
  const localPort = second === undefined ? remotePort : port(second, "lport", fail);
  return { text, remotePort, localPort };
}

export interface ForwardSpecs {
  local: LocalForwardSpec[];
  remote: RemoteForwardSpec[];
}

/** Parses every -L and -R; two forwards may not share a local listen port (-L) or a target port (-R). */
export function parseForwardSpecs(local: readonly string[], remote: readonly string[]): ForwardSpecs {
  const specs = { local: local.map(parseLocalForward), remote: remote.map(parseRemoteForward) };
  const clash = <T extends { text: string }>(items: T[], key: (item: T) => number, flag: string, what: string) => {
    const seen = new Map<number, T>();
    for (const item of items) {
      const earlier = seen.get(key(item));
      if (earlier) {
        throw doppelError.portForwardSpecInvalid(
          flag,
          item.text,
          `${what} ${key(item)} is already used by ${flag} ${earlier.text}`,
          flag === "-L" ? LOCAL_GRAMMAR : REMOTE_GRAMMAR,
        );
      }
      seen.set(key(item), item);
    }
  };
  clash(specs.local, (s) => s.localPort, "-L", "local port");
  clash(specs.remote, (s) => s.remotePort, "-R", "target port");
  return specs;
}
