// One native-layer process's connection to the session proxy (PROTOCOL.md §1, §12): HELLO with the session token
// first, then blocking requests. File, DNS and environment requests go to the agent under a fresh request id;
// network and incoming requests are served by the proxy's stand-ins and router. The proxy only ever answers.
import type { Socket } from "node:net";
import { constants } from "node:os";
import {
  type Body,
  encodeFrame,
  type Frame,
  FrameDecoder,
  type MessageName,
  PROTOCOL_VERSION,
} from "../protocol/index.ts";
import { AgentLostError, RemoteError } from "./agent-link.ts";
import { checkHello, proxySoftware, Role } from "./hello.ts";
import type { SessionServices } from "./session-proxy.ts";

const { errno } = constants;
/** A process that connects but never says HELLO is dropped after this long. */
const helloTimeoutMs = 10_000;

/** Requests relayed to the agent as they are (only the request id changes). */
const relayedToAgent = new Set<MessageName>([
  "FILE_OPEN",
  "FILE_READ",
  "FILE_WRITE",
  "FILE_SEEK",
  "FILE_CLOSE",
  "FILE_STAT",
  "FILE_ACCESS",
  "FILE_READLINK",
  "DIR_OPEN",
  "DIR_READ",
  "FILE_MKDIR",
  "FILE_UNLINK",
  "FILE_RENAME",
  "DNS_GETADDRINFO",
  "DNS_GETNAMEINFO",
]);

class Refusal extends Error {
  constructor(
    readonly errno: number,
    message: string,
  ) {
    super(message);
  }
}

export class LayerConnection {
  private greeted = false;
  /** The process on the other end, from its HELLO. */
  pid = 0;
  exe = "";
  private readonly helloTimer: NodeJS.Timeout;
  private closed = false;

  constructor(
    private readonly socket: Socket,
    private readonly services: SessionServices,
    private readonly onClosed: (connection: LayerConnection) => void,
  ) {
    socket.setNoDelay(true);
    const decoder = new FrameDecoder();
    decoder.on("frame", (frame: Frame) => this.receive(frame));
    decoder.on("error", (error: Error) => this.fatal(0, errno.EPROTO, `malformed frame: ${error.message}`));
    socket.pipe(decoder);
    socket.on("error", () => socket.destroy());
    socket.on("close", () => this.finish());
    this.helloTimer = setTimeout(() => this.fatal(0, errno.EPROTO, "no HELLO within 10 s"), helloTimeoutMs);
    this.helloTimer.unref();
  }

  get label(): string {
    return this.pid ? `pid ${this.pid} (${this.exe})` : "an unidentified process";
  }

  private receive(frame: Frame): void {
    if (!this.greeted) {
      this.greet(frame);
      return;
    }
    if (frame.type === "HELLO") {
      this.fatal(frame.requestId, errno.EPROTO, "a second HELLO");
      return;
    }
    if (frame.type === "LOG") {
      this.services.log(frame.body.level, `${this.label}: ${frame.body.text}`);
      return;
    }
    this.serve(frame).then(
      (reply) => this.reply(reply),
      (error: unknown) => this.reply(this.errorReply(frame, error)),
    );
  }

  private greet(frame: Frame): void {
    clearTimeout(this.helloTimer);
    if (frame.type !== "HELLO") {
      this.fatal(frame.requestId, errno.EPROTO, `expected HELLO first, got ${frame.type}`);
      return;
    }
    const refusal = checkHello(frame.body, this.services.token, Role.layer);
    if (refusal) {
      this.fatal(frame.requestId, refusal.errno, refusal.message);
      return;
    }
    this.greeted = true;
    this.pid = frame.body.pid;
    this.exe = Buffer.from(frame.body.exe).toString();
    this.reply({
      type: "HELLO_OK",
      requestId: frame.requestId,
      body: { version: PROTOCOL_VERSION, role: Role.proxy, software: proxySoftware },
    });
    this.services.layerConnected(this);
  }

  /** Answers one request; throws RemoteError/Refusal/AgentLostError for ERROR replies. */
  private async serve(frame: Frame): Promise<Frame> {
    const { requestId } = frame;
    const { services } = this;
    switch (frame.type) {
      case "LAYER_CONFIG_GET":
        return { type: "LAYER_CONFIG", requestId, body: services.layerConfig };
      case "FILE_OPEN": {
        const reply = await services.link.request("FILE_OPEN", frame.body);
        if (reply.type === "FILE_HANDLE") services.readAhead.opened(frame.body.flags, reply.body.handle);
        return { ...reply, requestId };
      }
      case "FILE_STAT":
        if (frame.body.path.length === 0 && services.readAhead.owns(frame.body.dir_handle)) {
          return { type: "FILE_STATS", requestId, body: await services.readAhead.fstat(frame.body.dir_handle) };
        }
        break;
      case "FILE_READ":
        if (services.readAhead.owns(frame.body.handle)) {
          const data = await services.readAhead.read(frame.body.handle, frame.body.offset, frame.body.max_len);
          return { type: "FILE_DATA", requestId, body: { data } };
        }
        break;
      case "FILE_SEEK": {
        const { handle, offset, whence } = frame.body;
        const local = services.readAhead.seekLocally(handle, offset, whence);
        if (local !== undefined) return { type: "FILE_POSITION", requestId, body: { offset: local } };
        const reply = await services.link.request("FILE_SEEK", frame.body);
        if (reply.type === "FILE_POSITION") services.readAhead.seeked(handle, reply.body.offset);
        return { ...reply, requestId };
      }
      case "FILE_CLOSE":
        if (services.readAhead.owns(frame.body.handle)) {
          // Closing a read-only file cannot fail in a way the app could act on: answer at once and let the agent
          // close it in the background, which saves a round trip on every small file.
          services.readAhead.closed(frame.body.handle);
          services.link.request("FILE_CLOSE", frame.body).catch(() => {});
          return { type: "OK", requestId, body: {} };
        }
        break;
      case "NET_CONNECT":
        return { type: "NET_CONNECTED", requestId, body: await services.outgoing.connect(frame.body) };
      case "NET_UDP_BIND":
        return { type: "NET_CONNECTED", requestId, body: await services.outgoing.bindUdp(frame.body) };
      case "IN_SUBSCRIBE":
        await services.incoming.subscribe(this, frame.body);
        return { type: "OK", requestId, body: {} };
      case "IN_UNSUBSCRIBE":
        await services.incoming.unsubscribe(this, frame.body.port);
        return { type: "OK", requestId, body: {} };
      case "IN_PEER_GET": {
        const peer = services.incoming.peerOf(frame.body.proxy_side);
        if (!peer) throw new Refusal(errno.ENOENT, "not a connection the proxy opened");
        return { type: "IN_PEER", requestId, body: peer };
      }
      default:
        break;
    }
    if (!relayedToAgent.has(frame.type)) {
      throw new Refusal(errno.ENOSYS, `${frame.type} is not a request a layer may send`);
    }
    const reply = await services.link.request(frame.type, frame.body as Body<typeof frame.type>);
    return { ...reply, requestId };
  }

  private errorReply(request: Frame, error: unknown): Frame {
    let code: number = errno.EIO;
    let message = error instanceof Error ? error.message : String(error);
    if (error instanceof RemoteError || error instanceof Refusal) code = error.errno;
    else if (typeof (error as { errno?: unknown }).errno === "number") code = (error as { errno: number }).errno;
    else if (error instanceof AgentLostError) {
      // PROTOCOL.md §14: after the agent is lost, network calls fail with ECONNRESET and file calls with EIO.
      code = request.type.startsWith("FILE_") || request.type.startsWith("DIR_") ? errno.EIO : errno.ECONNRESET;
      message = `the session lost its agent: ${error.message}`;
    }
    return { type: "ERROR", requestId: request.requestId, body: { errnum: Math.abs(code), message } };
  }

  private reply(frame: Frame): void {
    if (this.closed) return;
    let bytes: Buffer;
    try {
      bytes = encodeFrame(frame);
    } catch (error) {
      // A reply that cannot be encoded is a bug on our side; the process gets EIO, the session goes on.
      this.services.log(1, `cannot answer ${this.label}: ${(error as Error).message}`);
      bytes = encodeFrame({
        type: "ERROR",
        requestId: frame.requestId,
        body: { errnum: errno.EIO, message: "the session proxy could not encode its reply" },
      });
    }
    this.socket.write(bytes);
  }

  private fatal(requestId: number, code: number, message: string): void {
    if (this.closed) return;
    this.services.log(2, `refused ${this.label}: ${message}`);
    this.socket.end(encodeFrame({ type: "ERROR", requestId, body: { errnum: code, message } }));
    this.socket.destroySoon();
  }

  private finish(): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.helloTimer);
    if (this.greeted) this.onClosed(this);
  }
}
