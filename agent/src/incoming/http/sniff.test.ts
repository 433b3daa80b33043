import assert from "node:assert/strict";
import { once } from "node:events";
import net from "node:net";
import { test } from "node:test";
import { classify, sniff } from "./sniff.ts";

const cases: [string, string, string | undefined][] = [
  ["a whole request line", "GET /x HTTP/1.1\r\nhost: a\r\n", "h1"],
  ["a request line split before its end", "POST /upload?id=1 HTT", undefined],
  ["only a method so far", "DELE", undefined],
  ["the whole HTTP/2 preface", "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", "h2"],
  ["part of the HTTP/2 preface", "PRI * HTTP/2", undefined],
  ["a TLS hello", "\x16\x03\x01\x02\x00\x01", "other"],
  ["a Redis command", "*1\r\n$4\r\nPING\r\n", "other"],
  ["a line that is not a request line", "hello world\n", "other"],
  ["HTTP/0.9 style", "GET /\r\n", "other"],
];
for (const [name, bytes, expected] of cases) {
  test(`${name} → ${expected ?? "need more bytes"}`, () => {
    assert.equal(classify(Buffer.from(bytes, "latin1")), expected);
  });
}

test("a client that waits for the server to speak first is 'other' after a silence", async () => {
  const server = net.createServer();
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const client = net.connect((server.address() as net.AddressInfo).port, "127.0.0.1");
  const [accepted] = (await once(server, "connection")) as [net.Socket];
  const verdict = await sniff(accepted, 50);
  assert.deepEqual(verdict, { protocol: "other", start: Buffer.alloc(0) });
  client.destroy();
  accepted.destroy();
  server.close();
});
