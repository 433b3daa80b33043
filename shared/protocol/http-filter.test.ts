import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  compileHttpFilter,
  encodeHttpFilter,
  HttpFilterError,
  type HttpRule,
  type RequestHead,
} from "./http-filter.ts";

function head(url: string, headers: Record<string, string> = {}): RequestHead {
  return { url, headers: Object.entries(headers) };
}

function filter(rule: HttpRule | null, passProbes = false) {
  return compileHttpFilter(encodeHttpFilter({ rule, pass_probes: passProbes }));
}

describe("header rules", () => {
  test("match any `Name: value` line, case-insensitively", () => {
    const f = filter({ header: "^x-user: alice$" });
    assert.equal(f.matches(head("/", { "X-User": "Alice" })), true);
    assert.equal(f.matches(head("/", { Accept: "*/*", "x-user": "alice" })), true);
    assert.equal(f.matches(head("/", { "x-user": "bob" })), false);
    assert.equal(f.matches(head("/")), false);
  });
  test("JavaScript look-ahead works: everything but the kubelet", () => {
    const f = filter({ header: "^User-Agent: (?!kube-probe)" });
    assert.equal(f.matches(head("/", { "user-agent": "curl/8.0" })), true);
    assert.equal(f.matches(head("/", { "user-agent": "kube-probe/1.34" })), false);
  });
});

describe("path rules", () => {
  test("match the path alone, then path and query", () => {
    const f = filter({ path: "^/api/v1/users$" });
    assert.equal(f.matches(head("/api/v1/users?id=7")), true);
    const withQuery = filter({ path: "id=7$" });
    assert.equal(withQuery.matches(head("/api/v1/users?id=7")), true);
    assert.equal(withQuery.matches(head("/api/v1/users?id=8")), false);
  });
});

describe("composites", () => {
  const alice = { header: "^x-user: alice$" };
  const api = { path: "^/api/" };
  test("all_of needs every rule", () => {
    const f = filter({ all_of: [alice, api] });
    assert.equal(f.matches(head("/api/x", { "x-user": "alice" })), true);
    assert.equal(f.matches(head("/web/x", { "x-user": "alice" })), false);
  });
  test("any_of needs one rule, and they nest", () => {
    const f = filter({ any_of: [alice, { all_of: [api, { header: "^x-debug: 1$" }] }] });
    assert.equal(f.matches(head("/web", { "x-user": "alice" })), true);
    assert.equal(f.matches(head("/api/a", { "x-debug": "1" })), true);
    assert.equal(f.matches(head("/api/a")), false);
  });
});

describe("probe safety", () => {
  const probe = head("/healthz", { "User-Agent": "kube-probe/1.34" });
  test("without a rule every request matches except probes when pass_probes is on", () => {
    assert.equal(filter(null, true).matches(probe), false);
    assert.equal(filter(null, true).matches(head("/healthz", { "User-Agent": "curl/8" })), true);
    assert.equal(filter(null, false).matches(probe), true);
  });
  test("pass_probes wins over a rule that would match the probe", () => {
    assert.equal(filter({ path: "^/healthz" }, true).matches(probe), false);
  });
});

describe("bad filters are refused with the rule they are in", () => {
  const cases: [string, string, RegExp][] = [
    ["not JSON", "{", /not JSON/],
    ["no pass_probes", '{"rule":null}', /must be \{"rule"/],
    [
      "bad regex inside any_of",
      encodeHttpFilter({ rule: { any_of: [{ path: "^/ok" }, { header: "([unclosed" }] }, pass_probes: false }),
      /^http_filter\.rule\.any_of\[1\]\.header: Invalid regular expression/,
    ],
    ["two kinds in one rule", '{"rule":{"path":"a","header":"b"},"pass_probes":false}', /exactly one of/],
    ["empty all_of", '{"rule":{"all_of":[]},"pass_probes":false}', /non-empty list/],
    ["unknown key", '{"rule":{"method":"GET"},"pass_probes":false}', /unknown key method/],
  ];
  for (const [name, text, message] of cases) {
    test(name, () => {
      assert.throws(
        () => compileHttpFilter(text),
        (error) => error instanceof HttpFilterError && message.test(error.message),
      );
    });
  }
});
