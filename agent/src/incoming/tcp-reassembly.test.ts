import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { TcpFlag, type TcpSegment } from "./packet-decode.ts";
import { type FlowEndpoints, GAP_TIMEOUT_US, TcpReassembly } from "./tcp-reassembly.ts";

const PORT = 8080;

function recorder() {
  const log: string[] = [];
  const data = new Map<number, string>();
  const endpoints = new Map<number, FlowEndpoints>();
  const reassembly = new TcpReassembly(PORT, {
    open(id, ends) {
      log.push(`open ${id}`);
      endpoints.set(id, ends);
      data.set(id, "");
    },
    data(id, chunk) {
      data.set(id, (data.get(id) ?? "") + chunk.toString());
    },
    close(id) {
      log.push(`close ${id}`);
    },
    lost(id, bytes) {
      log.push(`lost ${bytes} of ${id}`);
    },
  });
  const push = (segment: TcpSegment, timeUs = 0) => reassembly.push(segment, timeUs);
  return { reassembly, push, log, data, endpoints };
}

function fromClient(seq: number, flags: number, payload = "", clientPort = 40000): TcpSegment {
  return {
    srcAddress: "10.0.0.1",
    dstAddress: "10.0.0.2",
    family: 4,
    srcPort: clientPort,
    dstPort: PORT,
    seq: seq >>> 0,
    flags,
    payload: Buffer.from(payload),
  };
}

describe("TCP reassembly", () => {
  test("delivers a connection's bytes in order and closes on the client's FIN", () => {
    const { push, log, data, endpoints } = recorder();
    push(fromClient(1000, TcpFlag.syn));
    push(fromClient(1001, TcpFlag.ack | TcpFlag.psh, "GET / "));
    push(fromClient(1007, TcpFlag.ack | TcpFlag.psh, "HTTP/1.1\r\n"));
    push(fromClient(1017, TcpFlag.ack | TcpFlag.fin));
    assert.deepEqual(log, ["open 1", "close 1"]);
    assert.equal(data.get(1), "GET / HTTP/1.1\r\n");
    assert.deepEqual(endpoints.get(1), {
      remote: { address: "10.0.0.1", port: 40000, family: 4 },
      local: { address: "10.0.0.2", port: PORT, family: 4 },
    });
  });

  test("holds early segments until the gap is filled, and trims retransmitted and overlapping bytes", () => {
    const { push, data } = recorder();
    push(fromClient(0, TcpFlag.syn));
    push(fromClient(8, TcpFlag.ack, "world")); // arrives before "hello, " (bytes 1–7)
    push(fromClient(1, TcpFlag.ack, "hello, "));
    push(fromClient(1, TcpFlag.ack, "hello, ")); // retransmit
    push(fromClient(11, TcpFlag.ack, "ld!!")); // overlaps "ld"
    assert.equal(data.get(1), "hello, world!!");
  });

  test("a FIN that arrives before missing data closes only once everything before it came", () => {
    const { push, log, data } = recorder();
    push(fromClient(0, TcpFlag.syn));
    push(fromClient(4, TcpFlag.fin | TcpFlag.ack, "def"));
    assert.deepEqual(log, ["open 1"]);
    push(fromClient(1, TcpFlag.ack, "abc"));
    assert.deepEqual(log, ["open 1", "close 1"]);
    assert.equal(data.get(1), "abcdef");
  });

  test("sequence numbers wrap around 2^32", () => {
    const { push, data } = recorder();
    push(fromClient(0xfffffffd, TcpFlag.syn));
    push(fromClient(0xfffffffe, TcpFlag.ack, "abcd"));
    push(fromClient(2, TcpFlag.ack, "ef"));
    assert.equal(data.get(1), "abcdef");
  });

  test("an RST from either side ends the connection; a duplicate SYN does not start a new one", () => {
    const { push, log } = recorder();
    push(fromClient(0, TcpFlag.syn));
    push(fromClient(0, TcpFlag.syn));
    push({
      ...fromClient(0, TcpFlag.rst),
      srcAddress: "10.0.0.2",
      srcPort: PORT,
      dstAddress: "10.0.0.1",
      dstPort: 40000,
    });
    push(fromClient(50, TcpFlag.syn, "", 40001));
    push(fromClient(51, TcpFlag.rst, "", 40001));
    assert.deepEqual(log, ["open 1", "close 1", "open 2", "close 2"]);
  });

  test("connections whose SYN was not seen are ignored", () => {
    const { reassembly, push, log } = recorder();
    push(fromClient(500, TcpFlag.ack, "mid-stream"));
    assert.deepEqual(log, []);
    assert.equal(reassembly.activeFlows, 0);
  });

  test("a client reusing its port for a new connection gets a new flow", () => {
    const { push, log, data } = recorder();
    push(fromClient(0, TcpFlag.syn));
    push(fromClient(1, TcpFlag.ack, "one"));
    push(fromClient(9000, TcpFlag.syn));
    push(fromClient(9001, TcpFlag.ack, "two"));
    assert.deepEqual(log, ["open 1", "close 1", "open 2"]);
    assert.equal(data.get(1), "one");
    assert.equal(data.get(2), "two");
  });

  test("a gap the capture never fills is skipped after GAP_TIMEOUT_US, by the next segment or by the clock", () => {
    const { reassembly, push, log, data } = recorder();
    push(fromClient(0, TcpFlag.syn), 0);
    push(fromClient(1, TcpFlag.ack, "one "), 10);
    push(fromClient(9, TcpFlag.ack, "three "), 20); // "two " (bytes 5–8) was never captured
    push(fromClient(15, TcpFlag.ack, "four "), GAP_TIMEOUT_US - 1);
    assert.equal(data.get(1), "one ");
    push(fromClient(20, TcpFlag.ack, "five "), GAP_TIMEOUT_US + 20);
    assert.equal(data.get(1), "one three four five ");
    assert.deepEqual(log, ["open 1", "lost 4 of 1"]);

    push(fromClient(30, TcpFlag.ack | TcpFlag.fin, "seven"), GAP_TIMEOUT_US + 30); // "six " missing, then FIN
    assert.deepEqual(log, ["open 1", "lost 4 of 1"]);
    reassembly.skipStaleGaps(2 * GAP_TIMEOUT_US + 30);
    assert.equal(data.get(1), "one three four five seven");
    assert.deepEqual(log, ["open 1", "lost 4 of 1", "lost 5 of 1", "close 1"]);
  });
});
