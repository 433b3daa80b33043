// One authenticated proxy connection: its open files, connection ids and incoming subscriptions, and the table
// that routes each message type to its handler. Everything the session holds is released by close().
import type net from "node:net";
import type { Body, Frame, MessageName } from "../../../shared/protocol/index.ts";
import { MAX_DATA } from "../../../shared/protocol/index.ts";
import type { TargetResolver } from "../dns/target-resolver.ts";
import { errnoOf } from "../errno.ts";
import type { Credentials } from "../files/target-credentials.ts";
import { TargetFiles } from "../files/target-files.ts";
import type { IncomingPorts, IncomingSubscriber } from "../incoming/incoming-ports.ts";
import type { MirrorEvents } from "../incoming/port-mirror.ts";
import type { StolenConnection } from "../incoming/port-steal.ts";
import type { NetnsWorker } from "../netns/netns-worker.ts";
import type { WorkerEvent } from "../netns/worker-messages.ts";
import { dnsHandlers } from "./dns-handlers.ts";
import { envHandlers } from "./env-handlers.ts";
import { fileHandlers } from "./file-handlers.ts";
import { incomingHandlers } from "./incoming-handlers.ts";
import { netHandlers, toAddress } from "./net-handlers.ts";
import { StreamRelay } from "./stream-relay.ts";
import { LogLevel, type Wire } from "./wire.ts";

/** What every session of the agent shares. */
export interface AgentServices {
  targetPid: number;
  /** Never served by ENV_GET, whatever the filter says. */
  hiddenVariables: readonly string[];
  /** The target's root as the agent sees it (/proc/<pid>/root). */
  targetRoot: string;
  credentials: () => Promise<Credentials>;
  resolver: TargetResolver;
  worker: NetnsWorker;
  incoming: IncomingPorts;
}

export type Handler<N extends MessageName> = (
  session: Session,
  body: Body<N>,
  requestId: number,
) => Promise<void> | void;
export type HandlerTable = { [N in MessageName]?: Handler<N> };

const handlers: HandlerTable = {
  ...fileHandlers,
  ...dnsHandlers,
  ...envHandlers,
  ...netHandlers,
  ...incomingHandlers,
};

type ConnKind = { kind: "stream" } | { kind: "datagram"; socketId: number } | { kind: "mirror" };

export class Session implements IncomingSubscriber {
  readonly services: AgentServices;
  readonly files: TargetFiles;
  readonly streams: StreamRelay;
  readonly #wire: Wire;
  readonly #connections = new Map<number, ConnKind>();
  readonly #connIdByDatagramSocket = new Map<number, number>();
  readonly #onDatagram: (event: Extract<WorkerEvent, { kind: "udpMessage" }>) => void;
  #nextConnId = 1;
  #closed = false;

  constructor(services: AgentServices, wire: Wire) {
    this.services = services;
    this.#wire = wire;
    this.files = new TargetFiles(services.targetRoot, { credentials: services.credentials });
    this.streams = new StreamRelay({
      data: (connId, chunk) => this.#send("NET_DATA", 0, { conn_id: connId, data: chunk }),
      shutdown: (connId) => this.#send("NET_SHUTDOWN", 0, { conn_id: connId }),
      close: (connId, errno) => {
        this.#connections.delete(connId);
        this.#send("NET_CLOSE", 0, { conn_id: connId, errnum: errno });
      },
      pause: (connId) => this.#send("NET_PAUSE", 0, { conn_id: connId }),
      resume: (connId) => this.#send("NET_RESUME", 0, { conn_id: connId }),
    });
    this.#onDatagram = (event) => {
      const connId = this.#connIdByDatagramSocket.get(event.socketId);
      if (connId === undefined) return;
      const peer = { family: event.address.includes(":") ? 6 : 4, ip: event.address, port: event.port } as const;
      this.#send("NET_DATAGRAM", 0, { conn_id: connId, peer, data: event.data });
    };
    services.worker.on("udpMessage", this.#onDatagram);
  }

  /** Routes one frame from the proxy. Request failures become ERROR replies; nothing here closes the connection. */
  async dispatch(frame: Frame): Promise<void> {
    const handler = handlers[frame.type] as Handler<MessageName> | undefined;
    if (!handler) {
      if (frame.requestId !== 0)
        this.#send("ERROR", frame.requestId, { errnum: 38, message: `the agent does not serve ${frame.type}` });
      return;
    }
    try {
      await handler(this, frame.body as Body<MessageName>, frame.requestId);
    } catch (error) {
      if (frame.requestId === 0) {
        this.log("warning", `${frame.type}: ${(error as Error).message}`);
        return;
      }
      this.#send("ERROR", frame.requestId, {
        errnum: errnoOf(error).errno,
        message: `${frame.type}: ${(error as Error).message}`,
      });
    }
  }

  reply<N extends MessageName>(type: N, requestId: number, body: Body<N>): void {
    this.#send(type, requestId, body);
  }

  log(level: keyof typeof LogLevel, text: string): void {
    this.#send("LOG", 0, { level: LogLevel[level], text });
  }

  allocateConnId(): number {
    return this.#nextConnId++;
  }

  addStream(connId: number, socket: net.Socket): void {
    if (this.#closed) {
      socket.destroy();
      return;
    }
    this.#connections.set(connId, { kind: "stream" });
    this.streams.add(connId, socket);
  }

  addDatagramSocket(socketId: number): number {
    const connId = this.allocateConnId();
    this.#connections.set(connId, { kind: "datagram", socketId });
    this.#connIdByDatagramSocket.set(socketId, connId);
    return connId;
  }

  datagramSocket(connId: number): number | undefined {
    const kind = this.#connections.get(connId);
    return kind?.kind === "datagram" ? kind.socketId : undefined;
  }

  /** NET_CLOSE from the proxy, for any kind of connection id. */
  async closeConnection(connId: number, errno: number): Promise<void> {
    const kind = this.#connections.get(connId);
    this.#connections.delete(connId);
    if (kind?.kind === "stream") this.streams.close(connId, errno);
    else if (kind?.kind === "datagram") {
      this.#connIdByDatagramSocket.delete(kind.socketId);
      await this.services.worker.udpClose(kind.socketId);
    }
  }

  stolen(connection: StolenConnection): void {
    const connId = this.allocateConnId();
    this.#send("IN_CONNECTION", 0, {
      conn_id: connId,
      port: connection.port,
      remote: toAddress(connection.remote),
      local: toAddress(connection.local),
    });
    this.addStream(connId, connection.socket);
  }

  mirrorEvents(port: number): MirrorEvents {
    const connIdByFlow = new Map<number, number>();
    return {
      open: (flowId, endpoints) => {
        const connId = this.allocateConnId();
        connIdByFlow.set(flowId, connId);
        this.#connections.set(connId, { kind: "mirror" });
        this.#send("IN_CONNECTION", 0, {
          conn_id: connId,
          port,
          remote: toAddress(endpoints.remote),
          local: toAddress(endpoints.local),
        });
      },
      data: (flowId, data) => {
        const connId = connIdByFlow.get(flowId);
        if (connId === undefined || !this.#connections.has(connId)) return;
        for (let offset = 0; offset < data.length; offset += MAX_DATA) {
          this.#send("NET_DATA", 0, { conn_id: connId, data: data.subarray(offset, offset + MAX_DATA) });
        }
      },
      close: (flowId) => {
        const connId = connIdByFlow.get(flowId);
        connIdByFlow.delete(flowId);
        if (connId === undefined || !this.#connections.delete(connId)) return;
        this.#send("NET_CLOSE", 0, { conn_id: connId, errnum: 0 });
      },
      lost: (flowId, bytes) => {
        const connId = connIdByFlow.get(flowId);
        this.log(
          "warning",
          `mirror of port ${port}: ${bytes} bytes of connection ${connId} were not captured and are missing from the copy`,
        );
      },
      failed: (message) => this.log("error", message),
    };
  }

  /** The control connection can take data again. */
  drained(): void {
    this.streams.resumeAll();
  }

  /** Releases everything the session holds; every step runs even if an earlier one fails, then failures are thrown. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.services.worker.off("udpMessage", this.#onDatagram);
    this.streams.destroyAll();
    const failures: string[] = [];
    await this.services.incoming
      .unsubscribeAll(this)
      .catch((error: Error) => failures.push(`releasing incoming subscriptions: ${error.message}`));
    for (const socketId of this.#connIdByDatagramSocket.keys()) {
      await this.services.worker.udpClose(socketId).catch(() => undefined);
    }
    this.#connIdByDatagramSocket.clear();
    this.#connections.clear();
    await this.files.closeAll();
    if (failures.length > 0) throw new Error(`closing the session left problems: ${failures.join("; ")}`);
  }

  #send<N extends MessageName>(type: N, requestId: number, body: Body<N>): void {
    if (this.#closed) return;
    if (!this.#wire.send(type, requestId, body)) this.streams.pauseAll();
  }
}
