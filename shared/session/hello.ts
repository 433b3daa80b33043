// HELLO on both of the proxy's hops (PROTOCOL.md §12): what the proxy sends to the agent, and how it checks the
// HELLO a layer sends it. The token is compared in constant time before anything else the client said.
import { timingSafeEqual } from "node:crypto";
import { readlinkSync } from "node:fs";
import { constants } from "node:os";
import { type Body, PROTOCOL_VERSION } from "../protocol/index.ts";

export const Role = { layer: 1, proxy: 2, agent: 3 } as const;

export const proxySoftware = "doppel-session-proxy 0.1.0";

export function helloFrom(role: number, token: string): Body<"HELLO"> {
  return {
    min_version: PROTOCOL_VERSION,
    max_version: PROTOCOL_VERSION,
    role,
    token,
    pid: process.pid,
    ppid: process.ppid,
    exe: new Uint8Array(Buffer.from(readlinkSync("/proc/self/exe"))),
  };
}

export interface HelloRefusal {
  errno: number;
  message: string;
}

function tokensEqual(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Checks a client's HELLO in the order §12 prescribes; returns why it is refused, or undefined when accepted. */
export function checkHello(hello: Body<"HELLO">, token: string, allowedRole: number): HelloRefusal | undefined {
  if (!tokensEqual(hello.token, token)) {
    return { errno: constants.errno.EACCES, message: "wrong session token: only this session's processes may connect" };
  }
  if (hello.role !== allowedRole) {
    return {
      errno: constants.errno.EPROTO,
      message: `role ${hello.role} may not connect here (expected ${allowedRole})`,
    };
  }
  if (hello.min_version > PROTOCOL_VERSION || hello.max_version < PROTOCOL_VERSION) {
    return {
      errno: constants.errno.EPROTONOSUPPORT,
      message: `no common protocol version: client speaks ${hello.min_version}-${hello.max_version}, the proxy ${PROTOCOL_VERSION}-${PROTOCOL_VERSION}`,
    };
  }
  return undefined;
}
