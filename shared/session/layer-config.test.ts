import assert from "node:assert/strict";
import { test } from "node:test";
import { loadConfig } from "../config/index.ts";
import { AddressFilterError, layerConfigOf, parseAddressFilter } from "./layer-config.ts";

const filterCases: [string, ReturnType<typeof parseAddressFilter>][] = [
  ["db.internal", { protocol: 0, prefix_len: 0, address: { family: 0, ip: "", port: 0 }, name: "db.internal" }],
  [":53", { protocol: 0, prefix_len: 0, address: { family: 0, ip: "", port: 53 }, name: "" }],
  [
    "tcp://10.0.0.0/8:5432",
    { protocol: 6, prefix_len: 8, address: { family: 4, ip: "10.0.0.0", port: 5432 }, name: "" },
  ],
  ["udp://1.2.3.4", { protocol: 17, prefix_len: 32, address: { family: 4, ip: "1.2.3.4", port: 0 }, name: "" }],
  ["[fd00::1]:80", { protocol: 0, prefix_len: 128, address: { family: 6, ip: "fd00::1", port: 80 }, name: "" }],
  ["fd00::/8", { protocol: 0, prefix_len: 8, address: { family: 6, ip: "fd00::", port: 0 }, name: "" }],
  ["redis.cache:6379", { protocol: 0, prefix_len: 0, address: { family: 0, ip: "", port: 6379 }, name: "redis.cache" }],
];

for (const [entry, expected] of filterCases) {
  test(`address filter "${entry}"`, () => assert.deepEqual(parseAddressFilter(entry), expected));
}

for (const [entry, why] of [
  ["sctp://1.2.3.4", /protocol must be tcp:\/\/ or udp:\/\//],
  ["1.2.3.4:70000", /port 70000 is above 65535/],
  ["10.0.0.0/99", /is not a subnet/],
  ["bad host!", /is not a host name, address or subnet/],
] as const) {
  test(`address filter "${entry}" is refused with the reason`, () => {
    assert.throws(
      () => parseAddressFilter(entry),
      (error) => error instanceof AddressFilterError && why.test(error.message),
    );
  });
}

test("the resolved configuration becomes the layer's numbers and lists", () => {
  const { config } = loadConfig({
    path: null,
    env: {},
    overrides: {
      target: { path: "pid/1" },
      feature: {
        fs: { mode: "localwithoverrides", read_only: ["^/srv/.*"] },
        network: {
          incoming: {
            mode: "steal",
            port_mapping: [[3000, 80]],
            listen_ports: [[80, 8080]],
            ignore_localhost: true,
          },
          outgoing: { filter: { local: ["tcp://127.0.0.1:5432"] } },
          dns: { filter: { remote: ["cluster.local"] } },
        },
      },
      skip_processes: ["bash"],
    },
  });
  const layer = layerConfigOf(config, 3);
  assert.equal(layer.fs_mode, 1);
  assert.deepEqual(layer.fs_read_only, ["^/srv/.*"]);
  assert.equal(layer.incoming_mode, 2);
  assert.deepEqual(layer.port_mapping, [{ local: 3000, remote: 80 }]);
  assert.deepEqual(layer.listen_ports, [{ local: 8080, remote: 80 }], "[requested, actual]: the app asks for 80");
  assert.equal(layer.incoming_ignore_localhost, true);
  assert.equal(layer.ignore_localhost, false, "outgoing ignore_localhost is its own key");
  assert.equal(layer.outgoing_filter_mode, 2);
  assert.equal(layer.outgoing_filter[0]?.address.ip, "127.0.0.1");
  assert.equal(layer.dns_filter_mode, 1);
  assert.equal(layer.dns_filter[0]?.name, "cluster.local");
  assert.deepEqual(layer.skip_processes, ["bash"]);
  assert.equal(layer.log_level, 3);
});
