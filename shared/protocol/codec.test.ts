import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { decodeFrame, encodeFrame } from "./codec.ts";
import { ProtocolErrorCode } from "./errors.ts";
import { type Frame, MAX_DATA } from "./messages.ts";

const badValue = { code: ProtocolErrorCode.BAD_VALUE };

describe("encodeFrame refuses values that do not fit their field", () => {
  const cases: [string, unknown][] = [
    ["u8 above 255", { type: "LOG", requestId: 0, body: { level: 256, text: "" } }],
    ["negative u32", { type: "NET_PAUSE", requestId: 0, body: { conn_id: -1 } }],
    ["fractional number", { type: "NET_PAUSE", requestId: 0, body: { conn_id: 1.5 } }],
    ["u64 given as number", { type: "FILE_CLOSE", requestId: 1, body: { handle: 1 } }],
    ["u64 above 2^64-1", { type: "FILE_CLOSE", requestId: 1, body: { handle: 2n ** 64n } }],
    ["i64 below -2^63", { type: "FILE_POSITION", requestId: 1, body: { offset: -(2n ** 63n) - 1n } }],
    ["lone surrogate in str", { type: "LOG", requestId: 0, body: { level: 1, text: "a\ud800b" } }],
    ["string where bytes belong", { type: "FILE_DATA", requestId: 1, body: { data: "abc" } }],
    [
      "IPv6 text in a family 4 addr",
      { type: "NET_UDP_BIND", requestId: 1, body: { local: { family: 4, ip: "::1", port: 0 } } },
    ],
    [
      "addr with a zone",
      { type: "NET_UDP_BIND", requestId: 1, body: { local: { family: 6, ip: "fe80::1%eth0", port: 0 } } },
    ],
    [
      "family 0 with an ip",
      { type: "NET_UDP_BIND", requestId: 1, body: { local: { family: 0, ip: "1.2.3.4", port: 0 } } },
    ],
    [
      "port above 65535",
      { type: "NET_UDP_BIND", requestId: 1, body: { local: { family: 4, ip: "1.2.3.4", port: 65536 } } },
    ],
    ["list that is not an array", { type: "ENV_GET", requestId: 1, body: { include: "A*", exclude: [] } }],
    ["missing field", { type: "ERROR", requestId: 1, body: { errno: 2 } }],
    ["request id above u32", { type: "OK", requestId: 2 ** 32, body: {} }],
  ];
  for (const [name, frame] of cases) {
    test(name, () => assert.throws(() => encodeFrame(frame as Frame), badValue));
  }

  test("a payload above 1 MiB", () => {
    const data = new Uint8Array(1024 * 1024);
    assert.throws(() => encodeFrame({ type: "FILE_DATA", requestId: 1, body: { data } }), {
      code: ProtocolErrorCode.FRAME_TOO_LARGE,
    });
  });
});

test("MAX_DATA bytes always fit in one frame with every data-carrying message", () => {
  const data = new Uint8Array(MAX_DATA);
  const peer = { family: 6 as const, ip: "2001:db8::1", port: 1 };
  const frames: Frame[] = [
    { type: "FILE_DATA", requestId: 1, body: { data } },
    { type: "FILE_WRITE", requestId: 1, body: { handle: 1n, offset: -1n, data } },
    { type: "NET_DATA", requestId: 0, body: { conn_id: 1, data } },
    { type: "NET_DATAGRAM", requestId: 0, body: { conn_id: 1, peer, data } },
  ];
  for (const frame of frames) assert.equal(decodeFrame(encodeFrame(frame)).type, frame.type);
});

test("IPv6 text in any accepted form encodes to the same bytes and decodes to RFC 5952 text", () => {
  const forms = ["::FFFF:10.1.2.3", "0:0:0:0:0:ffff:a01:203", "::ffff:a01:203"];
  const encoded = forms.map((ip) =>
    encodeFrame({ type: "NET_UDP_BIND", requestId: 1, body: { local: { family: 6, ip, port: 0 } } }).toString("hex"),
  );
  assert.equal(new Set(encoded).size, 1);
  const frame = decodeFrame(Buffer.from(encoded[0] as string, "hex"));
  assert.ok(frame.type === "NET_UDP_BIND");
  assert.equal(frame.body.local.ip, "::ffff:a01:203");
});
