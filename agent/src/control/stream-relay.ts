// Relays TCP sockets the agent holds (outgoing connects, stolen connections) to the control connection, one
// connection id per socket, with per-connection flow control in both directions (PROTOCOL.md §9):
// - peer → socket: when more than PAUSE_BYTES wait in a socket's write buffer we ask the peer to pause that id,
//   and ask it to resume once the buffer has drained;
// - socket → peer: the peer's NET_PAUSE/NET_RESUME stop and restart reading that socket, and while the control
//   connection itself is congested every socket stops reading (pauseAll/resumeAll).
// Each id has exactly one way out: #finish, which sends NET_CLOSE at most once.
import type net from "node:net";
import { errnoOf } from "../errno.ts";

export const PAUSE_BYTES = 1024 * 1024;

export interface RelayOutput {
  data(connId: number, chunk: Buffer): void;
  shutdown(connId: number): void;
  close(connId: number, errno: number): void;
  pause(connId: number): void;
  resume(connId: number): void;
}

interface Relayed {
  socket: net.Socket;
  pausedByPeer: boolean;
  askedPeerToPause: boolean;
  errno: number;
  closeSent: boolean;
}

export class StreamRelay {
  readonly #output: RelayOutput;
  readonly #streams = new Map<number, Relayed>();
  #congested = false;

  constructor(output: RelayOutput) {
    this.#output = output;
  }

  /** Starts relaying `socket` as `connId`: the caller has already told the peer about the id. */
  add(connId: number, socket: net.Socket): void {
    const relayed: Relayed = { socket, pausedByPeer: false, askedPeerToPause: false, errno: 0, closeSent: false };
    this.#streams.set(connId, relayed);
    // A peer's FIN only ends that direction (NET_SHUTDOWN); our side keeps writing until the session shuts it down.
    // Sockets handed over by the worker or accepted from a handle are created without this option, so set it here.
    socket.allowHalfOpen = true;
    socket.setNoDelay(true);
    socket.on("data", (chunk: Buffer) => this.#output.data(connId, chunk));
    socket.on("end", () => this.#output.shutdown(connId));
    socket.on("error", (error) => {
      relayed.errno = errnoOf(error).errno;
    });
    socket.on("drain", () => {
      if (!relayed.askedPeerToPause) return;
      relayed.askedPeerToPause = false;
      this.#output.resume(connId);
    });
    socket.on("close", () => this.#finish(connId, relayed));
    if (this.#congested) socket.pause();
    else socket.resume();
  }

  /** NET_DATA from the peer. Frames for unknown (closed) ids are dropped, as the protocol says. */
  write(connId: number, data: Uint8Array): void {
    const relayed = this.#streams.get(connId);
    if (!relayed || relayed.socket.destroyed) return;
    relayed.socket.write(data);
    if (!relayed.askedPeerToPause && relayed.socket.writableLength > PAUSE_BYTES) {
      relayed.askedPeerToPause = true;
      this.#output.pause(connId);
    }
  }

  /** NET_SHUTDOWN from the peer: half-close our write side once queued data is written. */
  shutdown(connId: number): void {
    this.#streams.get(connId)?.socket.end();
  }

  /** NET_CLOSE from the peer: no NET_CLOSE goes back. errno ≠ 0 resets the socket. */
  close(connId: number, errno: number): void {
    const relayed = this.#streams.get(connId);
    if (!relayed) return;
    relayed.closeSent = true;
    this.#streams.delete(connId);
    if (errno !== 0) relayed.socket.resetAndDestroy();
    else relayed.socket.end(() => relayed.socket.destroy());
  }

  pause(connId: number): void {
    const relayed = this.#streams.get(connId);
    if (!relayed) return;
    relayed.pausedByPeer = true;
    relayed.socket.pause();
  }

  resume(connId: number): void {
    const relayed = this.#streams.get(connId);
    if (!relayed) return;
    relayed.pausedByPeer = false;
    if (!this.#congested) relayed.socket.resume();
  }

  /** The control connection cannot take more right now: stop reading every socket. */
  pauseAll(): void {
    this.#congested = true;
    for (const relayed of this.#streams.values()) relayed.socket.pause();
  }

  resumeAll(): void {
    this.#congested = false;
    for (const relayed of this.#streams.values()) if (!relayed.pausedByPeer) relayed.socket.resume();
  }

  /** Ends every connection without telling the peer (the control connection is gone). */
  destroyAll(): void {
    for (const relayed of this.#streams.values()) {
      relayed.closeSent = true;
      relayed.socket.destroy();
    }
    this.#streams.clear();
  }

  #finish(connId: number, relayed: Relayed): void {
    if (this.#streams.get(connId) === relayed) this.#streams.delete(connId);
    if (relayed.closeSent) return;
    relayed.closeSent = true;
    this.#output.close(connId, relayed.errno);
  }
}
