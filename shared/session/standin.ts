// Stand-ins (PROTOCOL.md §9): a loopback listener that accepts exactly one connection — the app's own socket,
// which the layer connects there instead of to the remote address — and then stops listening.
import { createServer, type Server, type Socket } from "node:net";
import type { Address } from "../protocol/index.ts";
import { socketBufferBytes } from "./connection-relay.ts";

/** How long the layer has to connect the app's socket to its stand-in. */
const standinAcceptTimeoutMs = 30_000;

export interface TcpStandin {
  readonly address: Address;
  /** Resolves with the app's connection; rejects if none arrives in time or the stand-in is cancelled. */
  readonly connection: Promise<Socket>;
  cancel(): void;
}

/** Listens on the loopback address of `family` (IPv6 sockets get ::1 so the app's socket family fits). */
export function openTcpStandin(family: 4 | 6): Promise<TcpStandin> {
  const host = family === 6 ? "::1" : "127.0.0.1";
  const server: Server = createServer({
    allowHalfOpen: true,
    noDelay: true,
    pauseOnConnect: true,
    highWaterMark: socketBufferBytes,
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen({ host, port: 0, backlog: 1 }, () => {
      server.off("error", reject);
      const bound = server.address();
      if (bound === null || typeof bound === "string") {
        server.close();
        reject(new Error("the stand-in listener has no TCP address"));
        return;
      }
      let cancel = () => {};
      const connection = new Promise<Socket>((accept, fail) => {
        const timer = setTimeout(() => {
          server.close();
          fail(
            new Error(
              `the app did not connect to its stand-in ${host}:${bound.port} within ${standinAcceptTimeoutMs} ms`,
            ),
          );
        }, standinAcceptTimeoutMs);
        cancel = () => {
          clearTimeout(timer);
          server.close();
          fail(new Error("the stand-in was cancelled"));
        };
        server.once("connection", (socket) => {
          clearTimeout(timer);
          server.close();
          accept(socket);
        });
      });
      connection.catch(() => {});
      resolve({ address: { family, ip: host, port: bound.port }, connection, cancel: () => cancel() });
    });
  });
}
