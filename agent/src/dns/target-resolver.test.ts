// getaddrinfo as the agent answers it, compared case by case with glibc (python's socket.getaddrinfo) on the same
// root: the host's own /etc/hosts and /etc/services. Only cases that need no DNS server are compared here; the DNS
// path (search list, ndots, failure statuses) is compared inside a test-bed pod in agent.test.ts.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { Resolver } from "node:dns/promises";
import { readFile } from "node:fs/promises";
import { describe, test } from "node:test";
import { type AddrInfoRequest, TargetResolver } from "./target-resolver.ts";

const AI_PASSIVE = 0x1;
const AI_CANONNAME = 0x2;
const AI_NUMERICHOST = 0x4;
const AI_NUMERICSERV = 0x400;

/** The same question put to glibc: [status, [family, socktype, protocol, address, port, canonname][]]. */
function glibc(request: AddrInfoRequest): [number, unknown[][]] {
  const script = `
import json, socket, sys
r = json.loads(sys.argv[1])
try:
    out = socket.getaddrinfo(r["node"] or None, r["service"] or None, r["family"], r["socktype"], r["protocol"], r["flags"])
    print(json.dumps([0, [[int(f), int(t), p, a[0], a[1], c] for f, t, p, c, a in out]]))
except socket.gaierror as e:
    print(json.dumps([e.errno, []]))`;
  return JSON.parse(execFileSync("python3", ["-c", script, JSON.stringify(request)], { encoding: "utf8" }));
}

async function agent(resolver: TargetResolver, request: AddrInfoRequest): Promise<[number, unknown[][]]> {
  try {
    const entries = await resolver.getaddrinfo(request);
    return [0, entries.map((e) => [e.family, e.socktype, e.protocol, e.address, e.port, e.canonicalName])];
  } catch (error) {
    return [(error as { eai: number }).eai, []];
  }
}

const base = { node: "", service: "", family: 0, socktype: 0, protocol: 0, flags: 0 };
const cases: Array<[string, AddrInfoRequest]> = [
  ["a literal with a numeric service gives all three socket types", { ...base, node: "127.0.0.1", service: "53" }],
  ["a literal with no service", { ...base, node: "127.0.0.1" }],
  ["a named service only for the protocols /etc/services lists", { ...base, node: "127.0.0.1", service: "http" }],
  ["a named service for tcp and udp", { ...base, node: "127.0.0.1", service: "domain" }],
  ["a socket type filter", { ...base, node: "127.0.0.1", service: "53", socktype: 2 }],
  ["a protocol filter", { ...base, node: "127.0.0.1", service: "80", protocol: 17 }],
  ["a literal of the wrong family", { ...base, node: "127.0.0.1", family: 10 }],
  ["an unknown service", { ...base, node: "127.0.0.1", service: "dpl-no-such-service" }],
  ["AI_NUMERICSERV with a name", { ...base, node: "127.0.0.1", service: "http", flags: AI_NUMERICSERV }],
  ["AI_NUMERICHOST with a name", { ...base, node: "localhost", flags: AI_NUMERICHOST }],
  ["no host: loopback, IPv6 first", { ...base, service: "80", socktype: 1 }],
  ["no host with AI_PASSIVE: the wildcard, IPv4 first", { ...base, service: "80", socktype: 1, flags: AI_PASSIVE }],
  [
    "a name from /etc/hosts with its canonical name on the first entry",
    { ...base, node: "localhost", family: 2, flags: AI_CANONNAME },
  ],
];

describe("getaddrinfo compared with glibc on the same root", () => {
  // A resolver that would only be asked if hosts could not answer; nothing listens there.
  const resolver = new TargetResolver(
    (path) => readFile(path, "utf8"),
    async (_servers, _timeoutMs, _tries, name, type) => {
      const dns = new Resolver({ timeout: 200, tries: 1 });
      dns.setServers(["127.0.0.1:1"]);
      return type === "A" ? dns.resolve4(name) : type === "AAAA" ? dns.resolve6(name) : dns.reverse(name);
    },
  );

  for (const [name, request] of cases) {
    test(name, async () => {
      assert.deepEqual(await agent(resolver, request), glibc(request));
    });
  }

  const nameCases: Array<[string, string, number, number]> = [
    ["an address from /etc/hosts and a tcp service name", "127.0.0.1", 80, 0],
    ["NI_NUMERICHOST | NI_NUMERICSERV", "127.0.0.1", 80, 0x1 | 0x2],
    ["NI_DGRAM picks the udp service name", "127.0.0.1", 53, 0x10],
    ["a port no service has stays numeric", "127.0.0.1", 34567, 0],
  ];
  for (const [name, address, port, flags] of nameCases) {
    test(`getnameinfo: ${name}`, async () => {
      const script =
        "import socket, sys\nprint('|'.join(socket.getnameinfo((sys.argv[1], int(sys.argv[2])), int(sys.argv[3]))))";
      const expected = execFileSync("python3", ["-c", script, address, String(port), String(flags)], {
        encoding: "utf8",
      }).trim();
      const { host, service } = await resolver.getnameinfo(address, port, flags);
      assert.equal(`${host}|${service}`, expected);
    });
  }
});
