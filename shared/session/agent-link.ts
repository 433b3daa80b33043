// The session's one connection to the agent: HELLO first, then multiplexed requests (our ids), replies, events
// and the agent's own requests (PING). Heartbeats per PROTOCOL.md §13. Every ending — socket closed, decode
// error, heartbeat silence, stop() — goes through one call-once `lose`.
import { EventEmitter } from "node:events";
import type { Socket } from "node:net";
import { constants } from "node:os";
import { type Body, encodeFrame, type Frame, FrameDecoder, type MessageName } from "../protocol/index.ts";
import { bufferedSocket } from "./connection-relay.ts";
import { helloFrom, Role } from "./hello.ts";

export const heartbeatIntervalMs = 5000;
export const heartbeatSilenceMs = 15000;

/** The agent answered a request with ERROR. */
export class RemoteError extends Error {
  override name = "RemoteError";
  constructor(
    readonly errno: number,
    message: string,
  ) {
    super(message);
  }
}

/** The agent connection is gone; requests fail with this and the session can no longer reach the pod. */
export class AgentLostError extends Error {
  override name = "AgentLostError";
}

interface Pending {
  resolve(frame: Frame): void;
  reject(error: Error): void;
  /** Runs synchronously when the reply arrives, before any later frame is handled (e.g. to register a conn id). */
  onReply: ((frame: Frame) => void) | undefined;
}

export interface AgentLinkEvents {
  /** An event frame (request id 0) from the agent: NET_DATA, IN_CONNECTION, LOG, … */
  event: [frame: Frame];
  /** Socket writes drained; relays paused for link congestion may read again. */
  drain: [];
  lost: [error: AgentLostError];
}

export interface AgentAddress {
  host: string;
  port: number;
  token: string;
  /** How long connect + HELLO may take. */
  timeoutMs: number;
}

export class AgentLink extends EventEmitter<AgentLinkEvents> {
  private readonly pending = new Map<number, Pending>();
  private nextRequestId = 1;
  private lastSentAt = Date.now();
  private lastReceivedAt = Date.now();
  private readonly heartbeat: NodeJS.Timeout;
  private lostError: AgentLostError | undefined;
  /** What the agent called itself in HELLO_OK, for logs. */
  software = "";

  private constructor(private readonly socket: Socket) {
    super();
    // Every relayed connection waits for "drain" while the link is congested.
    this.setMaxListeners(0);
    socket.setNoDelay(true);
    const decoder = new FrameDecoder();
    decoder.on("frame", (frame: Frame) => this.receive(frame));
    socket.on("data", () => {
      this.lastReceivedAt = Date.now();
    });
    socket.pipe(decoder);
    decoder.on("error", (error: Error) => this.failProtocol(error));
    socket.on("drain", () => this.emit("drain"));
    socket.on("error", (error) => this.lose(`the agent connection failed: ${error.message}`));
    socket.on("close", () => this.lose("the agent closed the connection"));
    this.heartbeat = setInterval(() => this.beat(), 1000);
    this.heartbeat.unref();
  }

  static connect(address: AgentAddress): Promise<AgentLink> {
    return new Promise((resolve, reject) => {
      const socket = bufferedSocket().connect({ host: address.host, port: address.port });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(
          new AgentLostError(
            `the agent at ${address.host}:${address.port} did not answer HELLO within ${address.timeoutMs} ms`,
          ),
        );
      }, address.timeoutMs);
      socket.once("error", (error) => {
        clearTimeout(timer);
        reject(new AgentLostError(`cannot connect to the agent at ${address.host}:${address.port}: ${error.message}`));
      });
      socket.once("connect", () => {
        const link = new AgentLink(socket);
        link
          .request("HELLO", helloFrom(Role.proxy, address.token))
          .then((reply) => {
            clearTimeout(timer);
            link.software = reply.type === "HELLO_OK" ? reply.body.software : "";
            resolve(link);
          })
          .catch((error: Error) => {
            clearTimeout(timer);
            link.stop();
            reject(new AgentLostError(`the agent refused the session: ${error.message}`));
          });
      });
    });
  }

  get lost(): boolean {
    return this.lostError !== undefined;
  }

  /** True while the socket's write buffer is over its high-water mark. */
  get congested(): boolean {
    return this.socket.writableNeedDrain;
  }

  /**
   * Sends a request and resolves with its reply; ERROR replies reject with RemoteError. `onReply` sees a successful
   * reply synchronously, before frames after it are dispatched — data for a new connection id can follow at once.
   */
  request<N extends MessageName>(type: N, body: Body<N>, onReply?: (frame: Frame) => void): Promise<Frame> {
    if (this.lostError) return Promise.reject(this.lostError);
    const requestId = this.allocateRequestId();
    return new Promise((resolve, reject) => {
      this.pending.set(requestId, { resolve, reject, onReply });
      this.write({ type, requestId, body } as Frame);
    });
  }

  /** Sends an event (request id 0). Returns false when the link is congested. */
  send<N extends MessageName>(type: N, body: Body<N>): boolean {
    if (this.lostError) return false;
    return this.write({ type, requestId: 0, body } as Frame);
  }

  stop(): void {
    this.lose("the session ended");
  }

  private write(frame: Frame): boolean {
    this.lastSentAt = Date.now();
    return this.socket.write(encodeFrame(frame));
  }

  private allocateRequestId(): number {
    let id = this.nextRequestId;
    while (this.pending.has(id)) id = id >= 0xffffffff ? 1 : id + 1;
    this.nextRequestId = id >= 0xffffffff ? 1 : id + 1;
    return id;
  }

  private receive(frame: Frame): void {
    if (frame.type === "PING") {
      this.write({ type: "PONG", requestId: frame.requestId, body: { nonce: frame.body.nonce } });
      return;
    }
    if (frame.requestId === 0) {
      if (frame.type === "ERROR") this.lose(`the agent ended the session: ${frame.body.message}`);
      else this.emit("event", frame);
      return;
    }
    const pending = this.pending.get(frame.requestId);
    if (!pending) return;
    this.pending.delete(frame.requestId);
    if (frame.type === "ERROR") {
      pending.reject(new RemoteError(frame.body.errnum, frame.body.message));
      return;
    }
    pending.onReply?.(frame);
    pending.resolve(frame);
  }

  private beat(): void {
    const now = Date.now();
    if (now - this.lastReceivedAt >= heartbeatSilenceMs) {
      this.lose(`no bytes from the agent for ${heartbeatSilenceMs / 1000} s`);
    } else if (now - this.lastSentAt >= heartbeatIntervalMs) {
      this.request("PING", { nonce: BigInt(now) }).catch(() => {});
    }
  }

  private failProtocol(error: Error): void {
    this.write({ type: "ERROR", requestId: 0, body: { errnum: constants.errno.EPROTO, message: error.message } });
    this.lose(`the agent sent a malformed frame: ${error.message}`);
  }

  private lose(reason: string): void {
    if (this.lostError) return;
    const error = new AgentLostError(reason);
    this.lostError = error;
    clearInterval(this.heartbeat);
    this.socket.end();
    this.socket.destroySoon();
    for (const pending of this.pending.values()) pending.reject(error);
    this.pending.clear();
    this.emit("lost", error);
  }
}
