import assert from "node:assert/strict";
import { test } from "node:test";
import { BedLayout, cidrsOverlap, maxPodsPerBed, shuffledBedIndexes } from "./layout.ts";

test("a bed's addresses follow the plan: host .1, DNS .2, pods from .3, gateway .126, backend behind it", () => {
  const layout = new BedLayout(42);
  assert.equal(layout.name, "dpl42");
  assert.equal(layout.subnet, "10.213.42.0/24");
  assert.equal(layout.hostIp, "10.213.42.1");
  assert.equal(layout.dnsIp, "10.213.42.2");
  assert.equal(layout.podIp(0), "10.213.42.3");
  assert.equal(layout.podIp(maxPodsPerBed - 1), "10.213.42.125");
  assert.equal(layout.gatewayIp, "10.213.42.126");
  assert.equal(layout.backendIp, "10.213.42.130");
  assert.equal(cidrsOverlap(`${layout.backendIp}/32`, `${layout.podIp(0)}/${layout.podPrefixLength}`), false);
  assert.equal(cidrsOverlap(`${layout.backendIp}/32`, layout.serviceSubnet), true);
  assert.throws(() => layout.podIp(maxPodsPerBed), /at most 123 pods/);
});

test("every kernel name starts with the bed's prefix and interface names fit 15 characters", () => {
  const layout = new BedLayout(255);
  const interfaces = [
    layout.bridge,
    layout.hostVeth("dns"),
    layout.hostVeth("svc"),
    layout.hostVeth(maxPodsPerBed - 1),
  ];
  for (const name of [...interfaces, layout.dnsNetns, layout.serviceNetns, layout.podNetns("web")]) {
    assert.ok(name.startsWith("dpl255-"), name);
  }
  for (const name of interfaces) assert.ok(name.length <= 15, `${name} is longer than IFNAMSIZ-1`);
  assert.equal(layout.stateDir, "/run/dpl-testbed/dpl255");
  assert.equal(layout.cgroup, "dpl255");
});

test("CIDR overlap covers containment both ways and disjoint ranges", () => {
  assert.equal(cidrsOverlap("10.213.0.0/16", "10.213.7.0/24"), true);
  assert.equal(cidrsOverlap("10.213.7.0/24", "10.213.0.0/16"), true);
  assert.equal(cidrsOverlap("10.213.7.5/32", "10.213.7.0/24"), true);
  assert.equal(cidrsOverlap("10.213.8.0/24", "10.213.7.0/24"), false);
  assert.equal(cidrsOverlap("192.0.2.0/24", "10.213.7.0/24"), false);
});

test("bed indexes are tried in a random order that covers 1..254 once each", () => {
  let seed = 1;
  const random = () => {
    seed = (seed * 16807) % 2147483647;
    return seed / 2147483647;
  };
  const order = shuffledBedIndexes(random);
  assert.deepEqual(
    [...order].sort((a, b) => a - b),
    Array.from({ length: 254 }, (_, i) => i + 1),
  );
  assert.notDeepEqual(order.slice(0, 10), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  assert.throws(() => new BedLayout(256), /not an integer in 0..255/);
});
