// The upstream connections of one client connection: per destination one HTTP/1.1 keep-alive connection (requests
// queue on it in order, as they did on the client's) and one HTTP/2 session (streams multiplex on it). They live
// as long as the client connection does; the destination sees one connection per client connection, so the
// local app's view of peers and keep-alive matches the pod's.
import http from "node:http";
import http2 from "node:http2";
import type net from "node:net";
import type { StolenConnection } from "../port-steal.ts";
import type { Destination } from "./destination.ts";

/**
 * Flow-control windows of the HTTP/2 sessions the agent holds. The defaults (64 KiB) would limit a stream to 64 KiB
 * per round trip of the longer path through the session; these let a stream fill the link.
 */
export const HTTP2_STREAM_WINDOW = 4 * 1024 * 1024;
export const HTTP2_SESSION_WINDOW = 16 * 1024 * 1024;

export class Upstreams {
  readonly #client: StolenConnection;
  readonly #agents = new Map<string, Promise<http.Agent>>();
  readonly #sessions = new Map<string, Promise<http2.ClientHttp2Session>>();
  readonly #sockets = new Set<net.Socket>();
  #closed = false;

  constructor(client: StolenConnection) {
    this.#client = client;
  }

  /**
   * An HTTP/1.1 agent with one keep-alive connection to `destination`. The first connection is open before the
   * agent exists, so requests pipelined behind the first one queue on it instead of opening more connections.
   */
  agentFor(destination: Destination): Promise<http.Agent> {
    let agent = this.#agents.get(destination.id);
    if (agent) return agent;
    agent = this.#open(destination).then((first) => {
      let spare: net.Socket | undefined = first;
      const created = new http.Agent({ keepAlive: true, maxSockets: 1 });
      created.createConnection = ((_options: unknown, done: (error: Error | null, socket?: net.Socket) => void) => {
        if (spare && !spare.destroyed) {
          const socket = spare;
          spare = undefined;
          return socket;
        }
        this.#open(destination).then(
          (socket) => done(null, socket),
          (error: Error) => done(error),
        );
        return undefined;
      }) as unknown as http.Agent["createConnection"];
      return created;
    });
    agent.catch(() => this.#agents.delete(destination.id));
    this.#agents.set(destination.id, agent);
    return agent;
  }

  /** An HTTP/2 session (prior knowledge) to `destination`, opened on first use and reopened after it ends. */
  sessionFor(destination: Destination): Promise<http2.ClientHttp2Session> {
    let session = this.#sessions.get(destination.id);
    if (session) return session;
    session = this.#open(destination).then((socket) => {
      const opened = http2.connect("http://doppel.invalid", {
        createConnection: () => socket,
        settings: { initialWindowSize: HTTP2_STREAM_WINDOW },
      });
      opened.once("connect", () => opened.setLocalWindowSize(HTTP2_SESSION_WINDOW));
      const forget = () => {
        if (this.#sessions.get(destination.id) === session) this.#sessions.delete(destination.id);
      };
      opened.once("close", forget);
      opened.once("goaway", forget);
      opened.on("error", forget);
      return opened;
    });
    session.catch(() => this.#sessions.delete(destination.id));
    this.#sessions.set(destination.id, session);
    return session;
  }

  /** The client connection ended: every upstream connection goes with it. */
  close(): void {
    this.#closed = true;
    for (const agent of this.#agents.values())
      agent.then(
        (a) => a.destroy(),
        () => undefined,
      );
    for (const session of this.#sessions.values())
      session.then(
        (s) => s.destroy(),
        () => undefined,
      );
    for (const socket of this.#sockets) socket.destroy();
    this.#agents.clear();
    this.#sessions.clear();
  }

  async #open(destination: Destination): Promise<net.Socket> {
    const socket = await destination.open(this.#client);
    if (this.#closed) {
      socket.destroy();
      throw new Error("the client connection closed");
    }
    this.#sockets.add(socket);
    socket.once("close", () => this.#sockets.delete(socket));
    return socket;
  }
}
