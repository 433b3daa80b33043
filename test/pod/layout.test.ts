import assert from "node:assert/strict";
import { test } from "node:test";
import { BedLayout, bedRanges, cidrsOverlap, maxPodsPerBed, shuffledBedIndexes } from "./layout.ts";

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
  const layout = new BedLayout(1023);
  const interfaces = [
    layout.bridge,
    layout.hostVeth("dns"),
    layout.hostVeth("svc"),
    layout.hostVeth(maxPodsPerBed - 1),
  ];
  for (const name of [...interfaces, layout.dnsNetns, layout.serviceNetns, layout.podNetns("web")]) {
    assert.ok(name.startsWith("dpl1023-"), name);
  }
  for (const name of interfaces) assert.ok(name.length <= 15, `${name} is longer than IFNAMSIZ-1`);
  assert.equal(layout.subnet, "172.30.255.0/24");
  assert.equal(layout.stateDir, "/run/dpl-testbed/dpl1023");
  assert.equal(layout.cgroup, "dpl1023");
});

test("CIDR overlap covers containment both ways and disjoint ranges", () => {
  assert.equal(cidrsOverlap("10.213.0.0/16", "10.213.7.0/24"), true);
  assert.equal(cidrsOverlap("10.213.7.0/24", "10.213.0.0/16"), true);
  assert.equal(cidrsOverlap("10.213.7.5/32", "10.213.7.0/24"), true);
  assert.equal(cidrsOverlap("10.213.8.0/24", "10.213.7.0/24"), false);
  assert.equal(cidrsOverlap("192.0.2.0/24", "10.213.7.0/24"), false);
});

test("bed indexes are tried in a random order that covers each range's .1 … .254 once", () => {
  let seed = 1;
  const random = () => {
    seed = (seed * 16807) % 2147483647;
    return seed / 2147483647;
  };
  const order = shuffledBedIndexes(random);
  assert.equal(order.length, bedRanges.length * 254);
  assert.equal(new Set(order).size, order.length);
  const thirdOctets = new Set(order.map((index) => new BedLayout(index).subnet.split(".")[2]));
  assert.equal(thirdOctets.has("0") || thirdOctets.has("255"), false);
  assert.equal(new BedLayout(256 + 7).subnet, "10.157.7.0/24");
  assert.notDeepEqual(order.slice(0, 10), [...order].sort((a, b) => a - b).slice(0, 10));
  assert.throws(() => new BedLayout(bedRanges.length * 256), /not an integer in 0\.\.1023/);
});
