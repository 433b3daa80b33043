// Pipes one local stream socket (the app's stand-in connection, or the proxy's connection to the app for incoming
// traffic) to one agent connection id. Flow control follows PROTOCOL.md §9: the agent's NET_PAUSE/NET_RESUME stop
// and restart reading the local socket; a local write backlog over 1 MiB sends NET_PAUSE, draining sends NET_RESUME.
// Every ending goes through `finish`, once.
import { Socket, type SocketConstructorOpts } from "node:net";
import { constants } from "node:os";
import { MAX_DATA } from "../protocol/index.ts";
import type { AgentLink } from "./agent-link.ts";

const pauseBacklogBytes = 1024 * 1024;
/**
 * Stream buffers of every socket on the data path (Node's default is 16 KiB): with 256 KiB a relay moves large
 * chunks per event-loop turn. The kernel's own TCP buffers autotune well past 64 KiB.
 */
export const socketBufferBytes = 256 * 1024;

/** An unconnected TCP socket with those buffers (net.Socket hands `highWaterMark` to stream.Duplex; @types/node
 * only declares it for servers). */
export function bufferedSocket(options: SocketConstructorOpts = {}): Socket {
  return new Socket({ ...options, highWaterMark: socketBufferBytes } as SocketConstructorOpts);
}

export interface RelayOptions {
  /** Mirror mode: the app's responses are read and dropped instead of being sent to the pod. */
  dropLocalData?: boolean;
  onFinished: (connId: number) => void;
}

export class ConnectionRelay {
  private socket: Socket | undefined;
  /** Agent data that arrived before the local socket was attached. */
  private early: Buffer[] = [];
  private earlyBytes = 0;
  private pausedByAgent = false;
  private pausedByLink = false;
  private pausedAgent = false;
  private finished = false;
  /** The agent closed cleanly before the local socket was attached: deliver the early data, then close. */
  private closeOnAttach = false;

  constructor(
    private readonly link: AgentLink,
    readonly connId: number,
    private readonly options: RelayOptions,
  ) {}

  attach(socket: Socket): void {
    if (this.finished) {
      socket.destroy();
      return;
    }
    if (socket.destroyed) {
      // The local client gave up while the agent was connecting (a port-forward client): nothing will ever read.
      this.finish(constants.errno.ECONNRESET);
      return;
    }
    this.socket = socket;
    socket.setNoDelay(true);
    for (const chunk of this.early) this.writeLocal(chunk);
    this.early = [];
    this.earlyBytes = 0;
    if (this.closeOnAttach) {
      this.finish(0, false);
      return;
    }
    socket.on("data", (chunk: Buffer) => this.fromLocal(chunk));
    socket.on("end", () => {
      if (!this.finished) this.link.send("NET_SHUTDOWN", { conn_id: this.connId });
    });
    socket.on("drain", () => this.localDrained());
    socket.on("error", (error: NodeJS.ErrnoException) => this.finish(errnoOf(error)));
    socket.on("close", () => this.finish(0));
    this.updateReading();
  }

  /** NET_DATA from the agent. */
  deliver(data: Uint8Array): void {
    if (this.finished) return;
    const chunk = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    if (this.socket) {
      this.writeLocal(chunk);
      return;
    }
    this.early.push(chunk);
    this.earlyBytes += chunk.length;
    if (this.earlyBytes > pauseBacklogBytes) this.pauseAgent();
  }

  /** NET_SHUTDOWN from the agent: the pod side sent FIN; pass it on after queued data. */
  shutdown(): void {
    this.socket?.end();
  }

  /** NET_PAUSE / NET_RESUME from the agent. */
  setPausedByAgent(paused: boolean): void {
    this.pausedByAgent = paused;
    this.updateReading();
  }

  /** The agent link's own write buffer filled up or drained. */
  setPausedByLink(paused: boolean): void {
    this.pausedByLink = paused;
    this.updateReading();
  }

  /** NET_CLOSE from the agent (errno 0: clean close, else reset). */
  closedByAgent(errnoValue: number): void {
    // A short connection (a mirrored request, a client that sent and left) can end before the app accepted ours.
    if (errnoValue === 0 && !this.socket && this.early.length > 0) {
      this.closeOnAttach = true;
      return;
    }
    this.finish(errnoValue, false);
  }

  /** The local side could not be reached (e.g. the app stopped listening): tell the agent why. */
  localFailed(error: NodeJS.ErrnoException): void {
    this.finish(errnoOf(error));
  }

  /** The session is ending or the agent is gone: reset the local side without telling the agent. */
  abort(): void {
    this.finish(constants.errno.ECONNRESET, false);
  }

  private fromLocal(chunk: Buffer): void {
    if (this.finished || this.options.dropLocalData) return;
    for (let offset = 0; offset < chunk.length; offset += MAX_DATA) {
      this.link.send("NET_DATA", { conn_id: this.connId, data: chunk.subarray(offset, offset + MAX_DATA) });
    }
    if (this.link.congested && !this.pausedByLink) {
      this.pausedByLink = true;
      this.updateReading();
      this.link.once("drain", () => this.setPausedByLink(false));
    }
  }

  private writeLocal(chunk: Buffer): void {
    const socket = this.socket;
    if (!socket || socket.writableEnded) return;
    socket.write(chunk);
    if (socket.writableLength > pauseBacklogBytes) this.pauseAgent();
  }

  private pauseAgent(): void {
    if (this.pausedAgent) return;
    this.pausedAgent = true;
    this.link.send("NET_PAUSE", { conn_id: this.connId });
  }

  private localDrained(): void {
    if (!this.pausedAgent || this.finished) return;
    this.pausedAgent = false;
    this.link.send("NET_RESUME", { conn_id: this.connId });
  }

  private updateReading(): void {
    const socket = this.socket;
    if (!socket || this.finished) return;
    if (this.pausedByAgent || this.pausedByLink) socket.pause();
    else socket.resume();
  }

  private finish(errnoValue: number, tellAgent = true): void {
    if (this.finished) return;
    this.finished = true;
    if (tellAgent) this.link.send("NET_CLOSE", { conn_id: this.connId, errnum: errnoValue });
    const socket = this.socket;
    if (socket && !socket.destroyed) {
      if (errnoValue !== 0) socket.resetAndDestroy();
      else {
        socket.end();
        socket.destroySoon();
      }
    }
    this.early = [];
    this.options.onFinished(this.connId);
  }
}

function errnoOf(error: NodeJS.ErrnoException): number {
  const code = error.code ? (constants.errno as Record<string, number>)[error.code] : undefined;
  return code ?? constants.errno.ECONNRESET;
}
