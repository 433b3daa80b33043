// Tells which protocol a stolen connection speaks from its first bytes, before anything is forwarded:
// the HTTP/2 connection preface (prior knowledge), an HTTP/1.x request line, or something else. The bytes read
// are handed back with the verdict so the chosen handler sees the stream from its first byte.
import type net from "node:net";

export type SniffedProtocol = "h1" | "h2" | "other";

const H2_PREFACE = Buffer.from("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", "latin1");
/** A request line, `METHOD target HTTP/1.x`; a longer first line than this is not worth waiting for. */
const REQUEST_LINE = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+ [^ \r\n]+ HTTP\/1\.[01]\r?$/;
const MAX_FIRST_LINE = 16 * 1024;

export function classify(start: Buffer): SniffedProtocol | undefined {
  const prefix = start.subarray(0, H2_PREFACE.length);
  if (H2_PREFACE.subarray(0, prefix.length).equals(prefix))
    return prefix.length === H2_PREFACE.length ? "h2" : undefined;
  const newline = start.indexOf(0x0a);
  if (newline === -1) return start.length >= MAX_FIRST_LINE ? "other" : undefined;
  return REQUEST_LINE.test(start.subarray(0, newline).toString("latin1")) ? "h1" : "other";
}

/**
 * Reads from `socket` until the protocol is known (or the client stops sending), then resolves with the verdict
 * and the bytes read. The socket is left paused with nothing consumed from it but those bytes.
 */
export function sniff(socket: net.Socket): Promise<{ protocol: SniffedProtocol; start: Buffer }> {
  return new Promise((resolve) => {
    let start = Buffer.alloc(0);
    const done = (protocol: SniffedProtocol) => {
      socket.pause();
      socket.off("data", onData);
      socket.off("end", onEnd);
      socket.off("close", onEnd);
      resolve({ protocol, start });
    };
    const onData = (chunk: Buffer) => {
      start = start.length === 0 ? chunk : Buffer.concat([start, chunk]);
      const protocol = classify(start);
      if (protocol) done(protocol);
    };
    const onEnd = () => done(classify(start) ?? "other");
    socket.on("data", onData);
    socket.once("end", onEnd);
    socket.once("close", onEnd);
  });
}
