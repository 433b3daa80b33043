import assert from "node:assert/strict";
import { test } from "node:test";
import { compileHttpFilter, encodeHttpFilter } from "../../../../shared/protocol/http-filter.ts";
import type { MirrorEvents } from "../port-mirror.ts";
import { filteredMirror } from "./mirror-filter.ts";

const endpoints = {
  remote: { address: "10.0.0.9", port: 40000, family: 4 as const },
  local: { address: "10.0.0.3", port: 80, family: 4 as const },
};

function recorder() {
  const log: string[] = [];
  const copied = new Map<number, string>();
  const events: MirrorEvents = {
    open: (flowId) => {
      log.push(`open ${flowId}`);
      copied.set(flowId, "");
    },
    data: (flowId, data) => copied.set(flowId, (copied.get(flowId) ?? "") + Buffer.from(data).toString("latin1")),
    close: (flowId) => log.push(`close ${flowId}`),
    failed: (message) => log.push(`failed ${message}`),
  };
  return { log, copied, events };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));
const alice = compileHttpFilter(encodeHttpFilter({ rule: { header: "^x-user: alice$" }, pass_probes: false }));

test("only matching requests of a captured HTTP/1.1 stream are copied, split across segments, bodies intact", async () => {
  const { log, copied, events } = recorder();
  const mirror = filteredMirror(events, alice);
  const stream =
    "POST /a HTTP/1.1\r\nhost: pod\r\nx-user: alice\r\ncontent-length: 5\r\n\r\nhello" +
    "GET /b HTTP/1.1\r\nhost: pod\r\nx-user: bob\r\n\r\n" +
    "POST /c HTTP/1.1\r\nhost: pod\r\nx-user: alice\r\ntransfer-encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n";
  mirror.open(1, endpoints);
  for (let i = 0; i < stream.length; i += 7) {
    mirror.data(1, Buffer.from(stream.slice(i, i + 7), "latin1"));
    await settle();
  }
  await settle();
  mirror.close(1);
  assert.deepEqual(log, ["open 1", "close 1"]);
  assert.equal(
    copied.get(1),
    "POST /a HTTP/1.1\r\nhost: pod\r\nx-user: alice\r\ncontent-length: 5\r\n\r\nhello" +
      "POST /c HTTP/1.1\r\nhost: pod\r\nx-user: alice\r\ntransfer-encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n",
  );
});

test("a connection without a matching request is never opened toward the session", async () => {
  const { log, events } = recorder();
  const mirror = filteredMirror(events, alice);
  mirror.open(2, endpoints);
  mirror.data(2, Buffer.from("GET / HTTP/1.1\r\nhost: pod\r\n\r\n"));
  await settle();
  mirror.close(2);
  assert.deepEqual(log, []);
});

test("HTTP/2 and other protocols are not copied under a filter", async () => {
  const { log, events } = recorder();
  const mirror = filteredMirror(events, alice);
  mirror.open(3, endpoints);
  mirror.data(3, Buffer.from("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"));
  mirror.open(4, endpoints);
  mirror.data(4, Buffer.from("\x16\x03\x01 tls"));
  await settle();
  mirror.close(3);
  mirror.close(4);
  assert.deepEqual(log, []);
});
