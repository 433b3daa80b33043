// A bulk TCP source for the outgoing bench: on each connection, after the client's first bytes, it sends BYTES
// bytes and closes. Prints {"listening": PORT} once bound.
//   node bulk-server.mjs PORT BYTES [HOST]
import { createServer } from "node:net";

const [port, bytes, host = "0.0.0.0"] = process.argv.slice(2);
const chunk = Buffer.alloc(1 << 20, 120);

const server = createServer((socket) =>
  socket.once("data", () => {
    let left = Number(bytes);
    const pump = () => {
      while (left > 0) {
        const piece = left >= chunk.length ? chunk : chunk.subarray(0, left);
        left -= piece.length;
        if (!socket.write(piece)) return socket.once("drain", pump);
      }
      socket.end();
    };
    pump();
  }),
);
server.listen(Number(port), host, () => {
  process.stdout.write(`${JSON.stringify({ listening: server.address().port })}\n`);
});
