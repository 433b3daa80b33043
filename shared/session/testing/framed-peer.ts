// Test peers that speak the wire protocol over real sockets: a layer client for the proxy's unix socket, and an
// agent-side server that answers HELLO and lets a test script the rest. They exercise the proxy through the same
// bytes the native layer and the agent send.
import { once } from "node:events";
import { connect, createServer, type Server, type Socket } from "node:net";
import {
  type Body,
  encodeFrame,
  type Frame,
  FrameDecoder,
  type MessageName,
  PROTOCOL_VERSION,
} from "../../protocol/index.ts";
import { helloFrom } from "../hello.ts";

export class FramedPeer {
  readonly frames: Frame[] = [];
  private waiters: { match: (frame: Frame) => boolean; resolve: (frame: Frame) => void }[] = [];
  private nextRequestId = 1;
  readonly closed: Promise<void>;

  constructor(readonly socket: Socket) {
    const decoder = new FrameDecoder();
    decoder.on("frame", (frame: Frame) => {
      this.frames.push(frame);
      const waiter = this.waiters.find((w) => w.match(frame));
      if (waiter) {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        waiter.resolve(frame);
      }
    });
    socket.pipe(decoder);
    this.closed = once(socket, "close").then(() => {});
  }

  send<N extends MessageName>(type: N, body: Body<N>, requestId = 0): void {
    this.socket.write(encodeFrame({ type, requestId, body } as Frame));
  }

  /** Sends a request and resolves with the frame answering it (reply or ERROR). */
  request<N extends MessageName>(type: N, body: Body<N>): Promise<Frame> {
    const requestId = this.nextRequestId++;
    const reply = this.next((frame) => frame.requestId === requestId);
    this.send(type, body, requestId);
    return reply;
  }

  /** The first already received or future frame that matches. */
  next(match: (frame: Frame) => boolean): Promise<Frame> {
    const seen = this.frames.find(match);
    if (seen) {
      this.frames.splice(this.frames.indexOf(seen), 1);
      return Promise.resolve(seen);
    }
    return new Promise((resolve) =>
      this.waiters.push({
        match,
        resolve: (frame) => {
          this.frames.splice(this.frames.indexOf(frame), 1);
          resolve(frame);
        },
      }),
    );
  }

  nextOfType<N extends MessageName>(type: N): Promise<Extract<Frame, { type: N }>> {
    return this.next((frame) => frame.type === type) as Promise<Extract<Frame, { type: N }>>;
  }
}

/** A layer connection to the proxy socket, after a HELLO with `token`; resolves with the peer and the HELLO reply. */
export async function connectLayer(socketPath: string, token: string): Promise<{ peer: FramedPeer; hello: Frame }> {
  const socket = connect(socketPath);
  await once(socket, "connect");
  const peer = new FramedPeer(socket);
  const hello = await peer.request("HELLO", helloFrom(1, token));
  return { peer, hello };
}

/** An agent-side server: answers the proxy's HELLO with HELLO_OK, then hands the connection to the test. */
export async function scriptedAgent(): Promise<{ server: Server; port: number; connection: Promise<FramedPeer> }> {
  const server = createServer();
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("no TCP address");
  const connection = new Promise<FramedPeer>((resolve) => {
    server.once("connection", async (socket) => {
      const peer = new FramedPeer(socket);
      const hello = await peer.nextOfType("HELLO");
      peer.send("HELLO_OK", { version: PROTOCOL_VERSION, role: 3, software: "scripted test agent" }, hello.requestId);
      resolve(peer);
    });
  });
  return { server, port: address.port, connection };
}
