// A minimal proxy-side client for tests: speaks the framed protocol to a running agent, matches replies to
// requests by id and records every event so tests can wait for the ones they expect.
import net from "node:net";
import {
  type Body,
  encodeFrame,
  type Frame,
  FrameDecoder,
  type MessageName,
  PROTOCOL_VERSION,
} from "../../../shared/protocol/index.ts";

export class AgentClient {
  readonly socket: net.Socket;
  readonly events: Frame[] = [];
  readonly #pending = new Map<number, { resolve: (frame: Frame) => void; reject: (error: Error) => void }>();
  readonly #waiters = new Set<() => void>();
  #nextId = 1;
  #closed = false;

  /** When false, PINGs are only recorded, never answered: the client plays dead. */
  answerPings = true;
  /** When false, NET_DATA frames are only counted in `dataBytes` (for benchmarks moving a lot of data). */
  recordData = true;
  dataBytes = 0;

  private constructor(socket: net.Socket) {
    this.socket = socket;
    const decoder = new FrameDecoder();
    socket.on("data", (chunk) => decoder.write(chunk));
    socket.on("close", () => {
      this.#closed = true;
      for (const { reject } of this.#pending.values()) reject(new Error("the agent closed the connection"));
      this.#pending.clear();
      this.#notify();
    });
    socket.on("error", () => undefined);
    decoder.on("frame", (frame: Frame) => {
      const pending = frame.requestId !== 0 ? this.#pending.get(frame.requestId) : undefined;
      if (pending && frame.type !== "PING") {
        this.#pending.delete(frame.requestId);
        pending.resolve(frame);
      } else {
        if (frame.type === "PING" && this.answerPings) this.send("PONG", frame.requestId, { nonce: frame.body.nonce });
        if (frame.type === "NET_DATA") this.dataBytes += frame.body.data.length;
        if (frame.type !== "NET_DATA" || this.recordData) this.events.push(frame);
      }
      this.#notify();
    });
  }

  static connect(address: string): Promise<AgentClient> {
    const match = /^\[?([^\]]*)\]?:(\d+)$/.exec(address);
    if (!match) throw new Error(`bad agent address ${address}`);
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host: match[1], port: Number(match[2]) }, () => resolve(new AgentClient(socket)));
      socket.once("error", reject);
    });
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** HELLO as the session proxy; resolves with HELLO_OK or ERROR. */
  hello(token: string): Promise<Frame> {
    return this.request("HELLO", {
      min_version: PROTOCOL_VERSION,
      max_version: PROTOCOL_VERSION,
      role: 2,
      token,
      pid: process.pid,
      ppid: process.ppid,
      exe: Buffer.from(process.execPath),
    });
  }

  send<N extends MessageName>(type: N, requestId: number, body: Body<N>): void {
    this.socket.write(encodeFrame({ type, requestId, body } as Frame));
  }

  request<N extends MessageName>(type: N, body: Body<N>): Promise<Frame> {
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      if (this.#closed) {
        reject(new Error(`connection closed before ${type}`));
        return;
      }
      this.#pending.set(id, { resolve, reject });
      this.send(type, id, body);
    });
  }

  /** Like request, but fails unless the reply has type `expected`; returns its body. */
  async call<N extends MessageName, R extends MessageName>(type: N, body: Body<N>, expected: R): Promise<Body<R>> {
    const reply = await this.request(type, body);
    if (reply.type !== expected)
      throw new Error(`${type} answered ${reply.type}: ${JSON.stringify(reply.body, replacer)}`);
    return reply.body as Body<R>;
  }

  /** Waits until `predicate` holds over the recorded events (or the connection closed), at most `timeoutMs`. */
  async waitFor<T>(predicate: (events: Frame[]) => T | undefined, timeoutMs = 10_000, what = "an event"): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = predicate(this.events);
      if (found !== undefined && found !== false) return found;
      if (this.#closed) throw new Error(`connection closed while waiting for ${what}`);
      const left = deadline - Date.now();
      if (left <= 0)
        throw new Error(`timed out waiting for ${what}; events: ${JSON.stringify(this.events.map((e) => e.type))}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 200));
        this.#waiters.add(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Bytes received so far on connection id `connId` (NET_DATA events). */
  dataOf(connId: number): Buffer {
    return Buffer.concat(
      this.events.flatMap((e) =>
        e.type === "NET_DATA" && e.body.conn_id === connId ? [Buffer.from(e.body.data)] : [],
      ),
    );
  }

  close(): void {
    this.socket.destroy();
  }

  #notify(): void {
    const waiters = [...this.#waiters];
    this.#waiters.clear();
    for (const wake of waiters) wake();
  }
}

function replacer(_key: string, value: unknown): unknown {
  return typeof value === "bigint"
    ? value.toString()
    : value instanceof Uint8Array
      ? Buffer.from(value).toString()
      : value;
}
