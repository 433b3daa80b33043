// The HTTP-aware half of a filtered steal: every connection stolen on a filtered port comes here. Its first bytes
// decide how it is read — HTTP/1.x through a node:http server, HTTP/2 with prior knowledge through a node:http2
// server, anything else whole to one destination — and then each request (each stream, for HTTP/2) goes where
// the routes say: to a session's local app or on to the target's own app, over the same client connection.
// Upgrades (WebSocket, h2c) pin the connection to the destination of the upgrade request.
import http from "node:http";
import http2 from "node:http2";
import type net from "node:net";
import { pipeline } from "node:stream";
import type { StolenConnection } from "../port-steal.ts";
import type { HttpRoutes } from "./destination.ts";
import { forwardRequest, forwardUpgrade, requestHead } from "./http1-forward.ts";
import { forwardStream, streamHead } from "./http2-forward.ts";
import { sniff } from "./sniff.ts";
import { HTTP2_SESSION_WINDOW, HTTP2_STREAM_WINDOW, Upstreams } from "./upstreams.ts";

interface ClientState {
  client: StolenConnection;
  upstreams: Upstreams;
}

/** Header limits for requests we parse: generous, since the target app decides what it accepts. */
const MAX_HEADER_BYTES = 64 * 1024;

export class HttpRouter {
  readonly #routes: HttpRoutes;
  readonly #http1: http.Server;
  readonly #clients = new WeakMap<net.Socket, ClientState>();
  readonly #open = new Set<net.Socket>();

  constructor(routes: HttpRoutes) {
    this.#routes = routes;
    // No timeouts of our own: how long a request, a stream or an idle keep-alive may take is the app's business.
    this.#http1 = http.createServer({
      requestTimeout: 0,
      headersTimeout: 0,
      keepAliveTimeout: 0,
      maxHeaderSize: MAX_HEADER_BYTES,
      noDelay: true,
    });
    this.#http1.timeout = 0;
    this.#http1.on("request", (request, response) => {
      const state = this.#clients.get(request.socket);
      if (!state) {
        response.destroy();
        return;
      }
      void forwardRequest(request, response, this.#routes.forRequest(requestHead(request)), state.upstreams);
    });
    const upgrade = (request: http.IncomingMessage, socket: net.Socket, head: Buffer) => {
      const state = this.#clients.get(socket);
      if (!state) {
        socket.destroy();
        return;
      }
      void forwardUpgrade(request, socket, head, this.#routes.forRequest(requestHead(request)), state.client);
    };
    this.#http1.on("upgrade", upgrade);
    this.#http1.on("connect", upgrade);
    this.#http1.on("clientError", (_error, socket: net.Socket) => socket.destroy());
  }

  /** Takes over a stolen connection. */
  async handle(client: StolenConnection): Promise<void> {
    const { socket } = client;
    this.#open.add(socket);
    const upstreams = new Upstreams(client);
    socket.once("close", () => {
      this.#open.delete(socket);
      upstreams.close();
    });
    socket.on("error", () => undefined);
    const { protocol, start } = await sniff(socket);
    if (socket.destroyed) return;
    if (protocol === "other") {
      await this.#pipeWhole(client, start);
      return;
    }
    if (start.length > 0) socket.unshift(start);
    if (protocol === "h1") {
      this.#clients.set(socket, { client, upstreams });
      this.#http1.emit("connection", socket);
      socket.resume();
    } else this.#serveHttp2(socket, upstreams);
  }

  /** Client connections still being served. */
  get openConnections(): number {
    return this.#open.size;
  }

  /** Ends every connection the router holds (the port is no longer stolen by anyone, or the agent stops). */
  close(): void {
    for (const socket of this.#open) socket.destroy();
    this.#open.clear();
  }

  #serveHttp2(socket: net.Socket, upstreams: Upstreams): void {
    // One server object per connection keeps the connection's upstreams at hand; it never listens.
    const server = http2.createServer({ maxSessionMemory: 64, settings: { initialWindowSize: HTTP2_STREAM_WINDOW } });
    server.on("session", (session) => session.setLocalWindowSize(HTTP2_SESSION_WINDOW));
    server.on("stream", (stream, headers, flags) => {
      const destination = this.#routes.forRequest(streamHead(headers));
      void forwardStream(stream, headers, flags, destination, upstreams);
    });
    server.on("sessionError", () => socket.destroy());
    server.emit("connection", socket);
  }

  /** `start`: what sniffing read; the client may already have finished sending. */
  async #pipeWhole(client: StolenConnection, start: Buffer): Promise<void> {
    const destination = this.#routes.forOtherProtocol();
    let upstream: net.Socket;
    try {
      upstream = await destination.open(client);
    } catch {
      client.socket.destroy();
      return;
    }
    if (start.length > 0) upstream.write(start);
    if (client.socket.readableEnded) upstream.end();
    else pipeline(client.socket, upstream, () => undefined);
    pipeline(upstream, client.socket, () => undefined);
  }
}
