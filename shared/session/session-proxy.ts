// The session proxy: one per `doppel exec`. Listens on a unix socket inside the session's 0700 directory, accepts
// the layer of every process of the session (token-checked HELLO), and multiplexes them all onto one agent link.
// Events from the agent (connection data, incoming connections, logs) are routed here by connection id.
import { chmodSync } from "node:fs";
import { createServer, type Server, type Socket } from "node:net";
import type { Body, Frame } from "../protocol/index.ts";
import type { AgentLink } from "./agent-link.ts";
import { ConnectionRelay, socketBufferBytes } from "./connection-relay.ts";
import { FileReadAhead } from "./file-readahead.ts";
import { IncomingRouter, type IncomingSettings } from "./incoming.ts";
import { LayerConnection } from "./layer-connection.ts";
import { Outgoing } from "./outgoing.ts";
import type { UdpStandin } from "./udp-standin.ts";

/** LOG levels (PROTOCOL.md §5). */
export const LogLevel = { error: 1, warning: 2, info: 3, debug: 4 } as const;
export type LogSink = (level: number, text: string) => void;

export interface SessionProxyOptions {
  socketPath: string;
  token: string;
  link: AgentLink;
  layerConfig: Body<"LAYER_CONFIG">;
  incoming: IncomingSettings;
  log: LogSink;
}

/** What a layer connection needs from the session. */
export interface SessionServices {
  readonly token: string;
  readonly link: AgentLink;
  readonly layerConfig: Body<"LAYER_CONFIG">;
  readonly readAhead: FileReadAhead;
  readonly outgoing: Outgoing;
  readonly incoming: IncomingRouter;
  log: LogSink;
  layerConnected(connection: LayerConnection): void;
}

export class SessionProxy implements SessionServices {
  readonly token: string;
  readonly link: AgentLink;
  readonly layerConfig: Body<"LAYER_CONFIG">;
  readonly readAhead: FileReadAhead;
  readonly outgoing: Outgoing;
  readonly incoming: IncomingRouter;
  readonly log: LogSink;
  private readonly relays = new Map<number, ConnectionRelay | UdpStandin>();
  private readonly layers = new Set<LayerConnection>();
  /** Every accepted socket, greeted or not, so closing the proxy never waits for one. */
  private readonly sockets = new Set<Socket>();
  private readonly server: Server;
  private lastProcessGoneAt = Date.now();
  private everConnected = false;
  private idleWaiters: (() => void)[] = [];
  private closing = false;

  private constructor(options: SessionProxyOptions) {
    this.token = options.token;
    this.link = options.link;
    this.layerConfig = options.layerConfig;
    this.log = options.log;
    this.readAhead = new FileReadAhead({
      pread: async (handle, offset, length) => {
        const reply = await this.link.request("FILE_READ", { handle, offset, max_len: length });
        if (reply.type !== "FILE_DATA") throw new Error(`the agent answered FILE_READ with ${reply.type}`);
        return reply.body.data;
      },
      fstat: async (handle) => {
        const reply = await this.link.request("FILE_STAT", { dir_handle: handle, flags: 0, path: new Uint8Array() });
        if (reply.type !== "FILE_STATS") throw new Error(`the agent answered FILE_STAT with ${reply.type}`);
        return reply.body;
      },
    });
    this.outgoing = new Outgoing(this.link, this.relays);
    this.incoming = new IncomingRouter(this.link, options.incoming, this.relays, (text) =>
      this.log(LogLevel.warning, text),
    );
    this.link.on("event", (frame) => this.route(frame));
    this.link.on("lost", (error) => {
      if (!this.closing) this.log(LogLevel.error, `${error.message}; the app's remote files and connections now fail`);
      for (const relay of [...this.relays.values()]) relay instanceof ConnectionRelay ? relay.abort() : relay.close();
    });
    this.server = createServer({ highWaterMark: socketBufferBytes }, (socket) => {
      const connection = new LayerConnection(socket, this, (gone) => this.layerGone(gone));
      this.sockets.add(socket);
      socket.once("close", () => {
        this.sockets.delete(socket);
        this.layers.delete(connection);
      });
    });
  }

  static start(options: SessionProxyOptions): Promise<SessionProxy> {
    const proxy = new SessionProxy(options);
    return new Promise((resolve, reject) => {
      proxy.server.once("error", reject);
      proxy.server.listen(options.socketPath, () => {
        proxy.server.off("error", reject);
        // The directory is 0700 already; the socket itself is owner-only too, so a copy of the path is no key.
        chmodSync(options.socketPath, 0o600);
        resolve(proxy);
      });
    });
  }

  /** Processes of the session currently connected. */
  get processCount(): number {
    return this.layers.size;
  }

  get hadProcesses(): boolean {
    return this.everConnected;
  }

  layerConnected(connection: LayerConnection): void {
    this.layers.add(connection);
    this.everConnected = true;
    this.log(LogLevel.debug, `${connection.label} joined the session`);
  }

  /**
   * Resolves once no process has been connected for `idleMs` (a process that connects meanwhile restarts the wait).
   * With no process connected and `idleMs` already elapsed since the last one left, resolves at once.
   */
  whenIdle(idleMs: number): Promise<void> {
    return new Promise((resolve) => {
      const check = () => {
        if (this.layers.size > 0) {
          this.idleWaiters.push(check);
          return;
        }
        const remaining = this.lastProcessGoneAt + idleMs - Date.now();
        if (remaining <= 0) resolve();
        else setTimeout(check, remaining);
      };
      check();
    });
  }

  /** Stops accepting processes, drops every connection and ends the agent link (the agent then cleans up). */
  close(): Promise<void> {
    this.closing = true;
    // Every connection, also one still before its HELLO: the server closes only once all of them are gone.
    for (const socket of this.sockets) socket.destroy();
    for (const relay of [...this.relays.values()]) relay instanceof ConnectionRelay ? relay.abort() : relay.close();
    this.link.stop();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private layerGone(connection: LayerConnection): void {
    this.layers.delete(connection);
    this.log(LogLevel.debug, `${connection.label} left the session`);
    void this.incoming.ownerGone(connection);
    if (this.layers.size === 0) {
      this.lastProcessGoneAt = Date.now();
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const waiter of waiters) waiter();
    }
  }

  private route(frame: Frame): void {
    switch (frame.type) {
      case "NET_DATA": {
        const relay = this.relays.get(frame.body.conn_id);
        if (relay instanceof ConnectionRelay) relay.deliver(frame.body.data);
        return;
      }
      case "NET_DATAGRAM": {
        const relay = this.relays.get(frame.body.conn_id);
        if (relay && !(relay instanceof ConnectionRelay)) relay.deliver(frame.body.peer, frame.body.data);
        return;
      }
      case "NET_SHUTDOWN": {
        const relay = this.relays.get(frame.body.conn_id);
        if (relay instanceof ConnectionRelay) relay.shutdown();
        return;
      }
      case "NET_CLOSE": {
        const relay = this.relays.get(frame.body.conn_id);
        this.log(LogLevel.debug, `agent closed connection ${frame.body.conn_id} (errno ${frame.body.errnum})`);
        if (relay instanceof ConnectionRelay) relay.closedByAgent(frame.body.errnum);
        else relay?.close();
        return;
      }
      case "NET_PAUSE":
      case "NET_RESUME": {
        const relay = this.relays.get(frame.body.conn_id);
        if (relay instanceof ConnectionRelay) relay.setPausedByAgent(frame.type === "NET_PAUSE");
        return;
      }
      case "IN_CONNECTION":
        this.log(
          LogLevel.debug,
          `incoming connection ${frame.body.conn_id} on port ${frame.body.port} from ${frame.body.remote.ip}:${frame.body.remote.port}`,
        );
        this.incoming.accept(frame.body);
        return;
      case "LOG":
        this.log(frame.body.level, `agent: ${frame.body.text}`);
        return;
      default:
        this.log(LogLevel.debug, `agent sent an unexpected ${frame.type} event; ignored`);
    }
  }
}
