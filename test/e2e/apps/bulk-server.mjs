// A pod app for the port-forward tests. HTTP on --http: `GET /bytes/N` answers N bytes of a fixed pattern
// (byte i is i % 251), `POST /sha256` answers "<length> <sha256 hex>" of the body. Raw TCP on --tcp: reads until the
// client half-closes, then answers "got <N> bytes" and closes — a client only gets that answer if its FIN got
// through while its own receiving side stayed open. Prints "listening" once both are bound.
import { createHash } from "node:crypto";
import { createServer as createHttpServer } from "node:http";
import { createServer as createTcpServer } from "node:net";
import { parseArgs } from "node:util";

const { values } = parseArgs({ options: { http: { type: "string" }, tcp: { type: "string" } } });
const chunkBytes = 64 * 1024;

/** Bytes [offset, offset + length) of the pattern. */
function pattern(offset, length) {
  const bytes = Buffer.alloc(length);
  for (let i = 0; i < length; i++) bytes[i] = (offset + i) % 251;
  return bytes;
}

const http = createHttpServer((req, res) => {
  const bytes = /^\/bytes\/(\d+)$/.exec(req.url ?? "");
  if (req.method === "GET" && bytes) {
    const total = Number(bytes[1]);
    res.writeHead(200, { "content-type": "application/octet-stream", "content-length": total });
    let sent = 0;
    const more = () => {
      while (sent < total) {
        const length = Math.min(chunkBytes, total - sent);
        const ok = res.write(pattern(sent, length));
        sent += length;
        if (!ok) return void res.once("drain", more);
      }
      res.end();
    };
    more();
    return;
  }
  if (req.method === "POST" && req.url === "/sha256") {
    const hash = createHash("sha256");
    let length = 0;
    req.on("data", (chunk) => {
      length += chunk.length;
      hash.update(chunk);
    });
    req.on("end", () => res.end(`${length} ${hash.digest("hex")}`));
    return;
  }
  res.writeHead(404).end(`no route for ${req.method} ${req.url}\n`);
});

const tcp = createTcpServer({ allowHalfOpen: true }, (socket) => {
  let received = 0;
  socket.on("data", (chunk) => {
    received += chunk.length;
  });
  socket.on("end", () => socket.end(`got ${received} bytes`));
});

await Promise.all([
  new Promise((resolve) => http.listen(Number(values.http), "0.0.0.0", resolve)),
  new Promise((resolve) => tcp.listen(Number(values.tcp), "0.0.0.0", resolve)),
]);
process.stdout.write("listening\n");
for (const signal of ["SIGTERM", "SIGINT"]) process.on(signal, () => process.exit(0));
