import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { hostsLookup, hostsReverse, parseHostsFile } from "./hosts-file.ts";
import { parseResolvConf, searchCandidates } from "./resolv-conf.ts";

describe("resolv.conf", () => {
  test("reads nameservers, search, ndots, timeout and attempts like glibc", () => {
    const conf = parseResolvConf(
      [
        "# kubelet wrote this",
        "nameserver 10.96.0.10",
        "nameserver fe80::1%eth0",
        "nameserver not-an-ip",
        "search default.svc.cluster.local svc.cluster.local cluster.local",
        "options ndots:5 timeout:2 attempts:3 rotate",
      ].join("\n"),
    );
    assert.deepEqual(conf, {
      nameservers: ["10.96.0.10", "fe80::1"],
      search: ["default.svc.cluster.local", "svc.cluster.local", "cluster.local"],
      ndots: 5,
      timeoutSeconds: 2,
      attempts: 3,
    });
  });

  test("the last of search/domain wins, and no nameserver means 127.0.0.1", () => {
    const conf = parseResolvConf("search a.example b.example\ndomain c.example\n");
    assert.deepEqual(conf.search, ["c.example"]);
    assert.deepEqual(conf.nameservers, ["127.0.0.1"]);
  });

  test("fewer dots than ndots: search domains first, the name as given last", () => {
    const conf = { search: ["default.svc.cluster.local", "cluster.local"], ndots: 5 };
    assert.deepEqual(searchCandidates("backend", conf), [
      "backend.default.svc.cluster.local",
      "backend.cluster.local",
      "backend",
    ]);
  });

  test("at least ndots dots: the name as given first", () => {
    const conf = { search: ["svc.cluster.local"], ndots: 1 };
    assert.deepEqual(searchCandidates("example.com", conf), ["example.com", "example.com.svc.cluster.local"]);
  });

  test("a trailing dot is absolute: no search at all", () => {
    assert.deepEqual(searchCandidates("backend.", { search: ["x"], ndots: 5 }), ["backend"]);
  });
});

describe("hosts file", () => {
  const entries = parseHostsFile(
    "127.0.0.1 localhost\n10.0.0.5\tweb web.local # pod\n::1 localhost ip6-localhost\nbogus line\n",
  );

  test("looks names up case-insensitively, in file order, across families", () => {
    assert.deepEqual(
      hostsLookup(entries, "LOCALHOST").map((e) => e.address),
      ["127.0.0.1", "::1"],
    );
    assert.deepEqual(
      hostsLookup(entries, "web.local.").map((e) => e.address),
      ["10.0.0.5"],
    );
  });

  test("reverse lookup gives the canonical (first) name", () => {
    assert.equal(hostsReverse(entries, "10.0.0.5"), "web");
    assert.equal(hostsReverse(entries, "10.0.0.6"), undefined);
  });
});
