// Tells which protocol a stolen connection speaks from its first bytes, before anything is forwarded:
// the HTTP/2 connection preface (prior knowledge), an HTTP/1.x request line, or something else. The bytes read
// are handed back with the verdict so the chosen handler sees the stream from its first byte. A connection is
// "other" as soon as its first bytes cannot begin a request line, or when the client stays silent (it waits for
// the server to speak first).
import type net from "node:net";

export type SniffedProtocol = "h1" | "h2" | "other";

const H2_PREFACE = Buffer.from("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", "latin1");
const TOKEN = "[!#$%&'*+\\-.^_`|~0-9A-Za-z]";
/** A request line, `METHOD target HTTP/1.x`. */
const REQUEST_LINE = new RegExp(`^${TOKEN}+ [^ \\r\\n]+ HTTP/1\\.[01]\\r?$`);
/** The beginning of a request line that more bytes could still complete. */
const REQUEST_LINE_START = new RegExp(`^(${TOKEN}*|${TOKEN}+ [^ \\r\\n]*|${TOKEN}+ [^ \\r\\n]+ [HTP/1.01]{0,8})$`);
/** A first line longer than this is not worth waiting for. */
const MAX_FIRST_LINE = 16 * 1024;
/**
 * How long a silent client may keep us waiting. HTTP clients speak first; a client still silent after this is
 * waiting for the server (SMTP, MySQL and others greet first), so its connection is "other" and goes through whole.
 */
export const CLIENT_SILENCE_MS = 1000;

/** The protocol `start` begins with, or undefined while more bytes are needed to tell. */
export function classify(start: Buffer): SniffedProtocol | undefined {
  const prefix = start.subarray(0, H2_PREFACE.length);
  if (H2_PREFACE.subarray(0, prefix.length).equals(prefix))
    return prefix.length === H2_PREFACE.length ? "h2" : undefined;
  const newline = start.indexOf(0x0a);
  if (newline === -1) {
    const partial = start.toString("latin1").replace(/\r$/, "");
    return start.length >= MAX_FIRST_LINE || !REQUEST_LINE_START.test(partial) ? "other" : undefined;
  }
  return REQUEST_LINE.test(start.subarray(0, newline).toString("latin1")) ? "h1" : "other";
}

/**
 * Reads from `socket` until the protocol is known (or the client stops sending), then resolves with the verdict
 * and the bytes read. The socket is left paused with nothing consumed from it but those bytes.
 */
export function sniff(
  socket: net.Socket,
  silenceMs = CLIENT_SILENCE_MS,
): Promise<{ protocol: SniffedProtocol; start: Buffer }> {
  return new Promise((resolve) => {
    let start: Buffer = Buffer.alloc(0);
    const silence = setTimeout(() => done(classify(start) ?? "other"), silenceMs);
    const done = (protocol: SniffedProtocol) => {
      clearTimeout(silence);
      socket.pause();
      socket.off("data", onData);
      socket.off("end", onEnd);
      socket.off("close", onEnd);
      resolve({ protocol, start });
    };
    const onData = (chunk: Buffer) => {
      silence.refresh();
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
