import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { ErrorCode, isDoppelError } from "../errors.ts";
import { parseForwardSpecs, parseLocalForward, parseRemoteForward } from "./spec.ts";

describe("-L [lport:]host:rport", () => {
  const valid = [
    ["8080:web:80", { localPort: 8080, host: "web", remotePort: 80 }],
    ["web.shop.svc.cluster.local:80", { localPort: 80, host: "web.shop.svc.cluster.local", remotePort: 80 }],
    ["9000:10.0.0.7:9090", { localPort: 9000, host: "10.0.0.7", remotePort: 9090 }],
    ["9000:[fd00::7]:9090", { localPort: 9000, host: "fd00::7", remotePort: 9090 }],
    ["[::1]:22", { localPort: 22, host: "::1", remotePort: 22 }],
    ["5432:db_primary.data.:5432", { localPort: 5432, host: "db_primary.data.", remotePort: 5432 }],
  ] as const;
  for (const [text, expected] of valid) {
    test(`accepts ${text}`, () => assert.deepEqual(parseLocalForward(text), { text, ...expected }));
  }

  const invalid = [
    ["80", /expected 2 or 3 fields/],
    ["1:2:3:4", /expected 2 or 3 fields/],
    ["fd00::1:80", /IPv6 host goes in brackets/],
    ["8080:web:http", /rport "http" is not a port number/],
    ["0:web:80", /lport "0" is not a port number/],
    ["8080:web:65536", /rport "65536"/],
    [":web:80", /lport "" is not a port number/],
    ["8080::80", /host "" is neither/],
    ["8080:web..x:80", /host "web..x" is neither/],
    ["8080:[not-v6]:80", /"\[not-v6\]" is not an IPv6 address/],
    ["8080:-web:80", /host "-web" is neither/],
  ] as const;
  for (const [text, reason] of invalid) {
    test(`rejects ${text}, naming the argument and the grammar`, () => {
      assert.throws(
        () => parseLocalForward(text),
        (error: unknown) => {
          assert.ok(isDoppelError(error, ErrorCode.PortForwardSpecInvalid));
          assert.ok(error.message.startsWith(`invalid port-forward argument -L ${text}: `), error.message);
          assert.match(error.message, reason);
          assert.match(error.hint ?? "", /-L \[lport:\]host:rport/);
          return true;
        },
      );
    });
  }
});

describe("-R rport[:lport]", () => {
  test("the local port defaults to the target's", () =>
    assert.deepEqual(parseRemoteForward("8080"), { text: "8080", remotePort: 8080, localPort: 8080 }));
  test("rport:lport", () =>
    assert.deepEqual(parseRemoteForward("80:3000"), { text: "80:3000", remotePort: 80, localPort: 3000 }));
  for (const [text, reason] of [
    ["80:3000:1", /expected rport or rport:lport/],
    ["web:80", /rport "web"/],
    ["80:", /lport ""/],
    ["70000", /rport "70000"/],
  ] as const) {
    test(`rejects ${text}`, () => {
      assert.throws(
        () => parseRemoteForward(text),
        (error: unknown) => {
          assert.ok(isDoppelError(error, ErrorCode.PortForwardSpecInvalid));
          assert.match(error.message, reason);
          assert.match(error.hint ?? "", /-R rport\[:lport\]/);
          return true;
        },
      );
    });
  }
});

describe("a set of forwards", () => {
  test("two -L on one local port are refused, naming both", () => {
    assert.throws(
      () => parseForwardSpecs(["8080:web:80", "8080:db:5432"], []),
      /-L 8080:db:5432: local port 8080 is already used by -L 8080:web:80/,
    );
  });
  test("two -R on one target port are refused", () => {
    assert.throws(() => parseForwardSpecs([], ["80:3000", "80:3001"]), /target port 80 is already used by -R 80:3000/);
  });
  test("the same port may be forwarded both ways", () => {
    const specs = parseForwardSpecs(["8080:web:80"], ["8080"]);
    assert.equal(specs.local.length + specs.remote.length, 2);
  });
});
