// One TCP connection from a proxy: the HELLO gate (token first, in constant time, before anything else is
// answered), heartbeats both ways, fatal protocol errors, and the session it unlocks (PROTOCOL.md §12–§15).
import { createHash, timingSafeEqual } from "node:crypto";
import type net from "node:net";
import {
  type Body,
  encodeFrame,
  type Frame,
  FrameDecoder,
  type MessageName,
  PROTOCOL_VERSION,
} from "../../../shared/protocol/index.ts";
import type { Session } from "./session.ts";
import type { Wire } from "./wire.ts";

export const Role = { layer: 1, proxy: 2, agent: 3 } as const;
const EACCES = 13;
const EPROTO = 71;
const EPROTONOSUPPORT = 93;
/** A HELLO with a 4 KiB token and a PATH_MAX executable path fits. */
const PRE_AUTH_MAX_PAYLOAD = 16 * 1024;

export interface ControlConnectionOptions {
  token: string;
  software: string;
  /** Send PING after this long without sending anything (PROTOCOL.md: 5 s). */
  heartbeatMs: number;
  /** Close after this long without receiving a byte (PROTOCOL.md: 15 s). */
  deadAfterMs: number;
  createSession(wire: Wire): Session;
  /** Diagnostics for the agent's own log (stderr); the client is gone by then. */
  log(line: string): void;
  onAuthenticated(connection: ControlConnection): void;
  onClosed(connection: ControlConnection, authenticated: boolean): void;
}

/** Compares secrets in constant time: both sides are hashed first so their lengths never leak through timing. */
export function tokensMatch(expected: string, given: string): boolean {
  const digest = (text: string) => createHash("sha256").update(text, "utf8").digest();
  return timingSafeEqual(digest(expected), digest(given));
}

export class ControlConnection implements Wire {
  readonly #socket: net.Socket;
  readonly #options: ControlConnectionOptions;
  #decoder: FrameDecoder;
  readonly #heartbeat: NodeJS.Timeout;
  #session: Session | undefined;
  #lastSent = Date.now();
  #lastReceived = Date.now();
  #nextPingId = 1;
  #closed = false;

  constructor(socket: net.Socket, options: ControlConnectionOptions) {
    this.#socket = socket;
    this.#options = options;
    socket.setNoDelay(true);
    socket.on("data", (chunk: Buffer) => {
      this.#lastReceived = Date.now();
      this.#decoder.write(chunk);
    });
    socket.on("drain", () => this.#session?.drained());
    socket.on("error", () => undefined);
    socket.on("close", () => this.#teardown());
    // Until the token is checked, frames may be no larger than a HELLO needs: a stranger cannot make us buffer 1 MiB.
    this.#decoder = this.#newDecoder(PRE_AUTH_MAX_PAYLOAD);
    this.#heartbeat = setInterval(() => this.#beat(), Math.min(options.heartbeatMs, options.deadAfterMs) / 2);
  }

  get peer(): string {
    return `${this.#socket.remoteAddress}:${this.#socket.remotePort}`;
  }

  send<N extends MessageName>(type: N, requestId: number, body: Body<N>): boolean {
    if (this.#socket.destroyed || this.#socket.writableEnded) return true;
    this.#lastSent = Date.now();
    return this.#socket.write(encodeFrame({ type, requestId, body } as Frame));
  }

  close(): void {
    this.#socket.destroy();
  }

  #newDecoder(maxPayload?: number): FrameDecoder {
    const decoder = new FrameDecoder(maxPayload === undefined ? {} : { maxPayload });
    decoder.on("frame", (frame: Frame) => this.#onFrame(frame));
    decoder.on("error", (error: Error) => this.#fatal(0, EPROTO, `bad frame from ${this.peer}: ${error.message}`));
    return decoder;
  }

  #onFrame(frame: Frame): void {
    if (this.#closed) return;
    if (!this.#session) {
      this.#hello(frame);
      return;
    }
    switch (frame.type) {
      case "HELLO":
        this.#fatal(frame.requestId, EPROTO, "a second HELLO on an established connection");
        return;
      case "PING":
        this.send("PONG", frame.requestId, { nonce: frame.body.nonce });
        return;
      case "PONG":
        return;
      default:
        void this.#session.dispatch(frame);
    }
  }

  #hello(frame: Frame): void {
    if (frame.type !== "HELLO") {
      this.#fatal(frame.requestId, EPROTO, `expected HELLO as the first frame, got ${frame.type}`);
      return;
    }
    const hello = frame.body;
    if (!tokensMatch(this.#options.token, hello.token)) {
      this.#fatal(frame.requestId, EACCES, "wrong session token: this agent serves only its own session");
      return;
    }
    if (hello.role !== Role.proxy) {
      this.#fatal(
        frame.requestId,
        EPROTO,
        `role ${hello.role} may not talk to the agent; only the session proxy (2) may`,
      );
      return;
    }
    if (hello.min_version > PROTOCOL_VERSION || hello.max_version < PROTOCOL_VERSION) {
      const message = `no common protocol version: the agent speaks ${PROTOCOL_VERSION}–${PROTOCOL_VERSION}, the client ${hello.min_version}–${hello.max_version}`;
      this.#fatal(frame.requestId, EPROTONOSUPPORT, message);
      return;
    }
    this.#session = this.#options.createSession(this);
    // Nothing may follow HELLO before HELLO_OK (PROTOCOL.md §12), so the next byte starts a fresh full-size decoder.
    this.#decoder = this.#newDecoder();
    this.send("HELLO_OK", frame.requestId, {
      version: PROTOCOL_VERSION,
      role: Role.agent,
      software: this.#options.software,
    });
    const exe = Buffer.from(hello.exe).toString() || "unknown executable";
    this.#options.log(`session client ${this.peer} connected (pid ${hello.pid}, ${exe})`);
    this.#options.onAuthenticated(this);
  }

  #beat(): void {
    const now = Date.now();
    if (now - this.#lastReceived >= this.#options.deadAfterMs) {
      this.#socket.destroy();
      return;
    }
    if (this.#session && now - this.#lastSent >= this.#options.heartbeatMs) {
      this.send("PING", this.#nextPingId++, { nonce: BigInt(now) });
    }
  }

  /** ERROR, then close: the connection cannot go on (PROTOCOL.md §14). */
  #fatal(requestId: number, errnum: number, message: string): void {
    if (this.#closed) return;
    this.send("ERROR", requestId, { errnum, message });
    this.#closed = true;
    this.#socket.end();
    setTimeout(() => this.#socket.destroy(), 1000).unref();
  }

  #teardown(): void {
    clearInterval(this.#heartbeat);
    this.#closed = true;
    const session = this.#session;
    this.#decoder.destroy();
    void session
      ?.close()
      .catch((error: Error) => this.#options.log(`warning: session of ${this.peer}: ${error.message}`))
      .finally(() => this.#options.onClosed(this, true));
    if (!session) this.#options.onClosed(this, false);
  }
}
