// One -L forward: a listener on 127.0.0.1:lport whose every connection becomes a connection from the target to
// host:rport. The listener is bound before the session opens (a busy port fails before any agent starts);
// connections that arrive earlier wait, unread, until the session is there. Each connection resolves the host
// anew in the target and tries its addresses in order; if none can be reached the local client gets a reset.
import { createServer, type Server, type Socket } from "node:net";
import { doppelError } from "../errors.ts";
import type { Address } from "../protocol/index.ts";
import { socketBufferBytes } from "../session/connection-relay.ts";
import { LogLevel, type LogSink } from "../session/session-proxy.ts";
import type { ForwardingSession } from "./forwarding-session.ts";
import { resolveInTarget } from "./resolve-in-target.ts";
import type { LocalForwardSpec } from "./spec.ts";

export const listenHost = "127.0.0.1";

function endpoint(address: Address): string {
  return address.family === 6 ? `[${address.ip}]:${address.port}` : `${address.ip}:${address.port}`;
}

export class LocalForward {
  private session: ForwardingSession | undefined;
  /** Accepted connections not yet handed to a relay (waiting for the session, the lookup or the connect). */
  private readonly unattached = new Set<Socket>();
  private closed = false;

  private constructor(
    readonly spec: LocalForwardSpec,
    private readonly server: Server,
    private readonly log: LogSink,
  ) {
    server.on("connection", (socket) => this.accepted(socket));
  }

  /** Binds 127.0.0.1:lport; a busy port is a DoppelError naming the port and the -L argument. */
  static listen(spec: LocalForwardSpec, log: LogSink): Promise<LocalForward> {
    const server = createServer({
      allowHalfOpen: true,
      noDelay: true,
      pauseOnConnect: true,
      highWaterMark: socketBufferBytes,
    });
    const address = `${listenHost}:${spec.localPort}`;
    return new Promise((resolve, reject) => {
      server.once("error", (error: NodeJS.ErrnoException) => {
        reject(
          error.code === "EADDRINUSE"
            ? doppelError.portForwardPortInUse(address, "-L", spec.text)
            : doppelError.portForwardListenFailed(address, "-L", spec.text, error.message),
        );
      });
      server.listen({ host: listenHost, port: spec.localPort }, () => {
        server.removeAllListeners("error");
        server.on("error", (error) =>
          log(LogLevel.error, `-L ${spec.text}: the listener on ${address} failed: ${error.message}`),
        );
        resolve(new LocalForward(spec, server, log));
      });
    });
  }

  get listenAddress(): string {
    return `${listenHost}:${this.spec.localPort}`;
  }

  /** Starts forwarding, the connections that waited first. */
  start(session: ForwardingSession): void {
    this.session = session;
    for (const socket of this.unattached) void this.forward(socket, session);
  }

  /**
   * Stops listening and resets connections still being set up. Relayed connections end with the session, so this
   * does not wait for them (server.close's callback would: a client holding a connection open would block the stop).
   */
  close(): void {
    this.closed = true;
    for (const socket of this.unattached) socket.resetAndDestroy();
    this.unattached.clear();
    if (this.server.listening) this.server.close();
  }

  private accepted(socket: Socket): void {
    if (this.closed) {
      socket.resetAndDestroy();
      return;
    }
    this.unattached.add(socket);
    // Until a relay owns the socket, a client that resets is only the end of this attempt.
    socket.on("error", () => {});
    socket.once("close", () => this.unattached.delete(socket));
    if (this.session) void this.forward(socket, this.session);
  }

  private async forward(socket: Socket, session: ForwardingSession): Promise<void> {
    const { host, remotePort } = this.spec;
    const client = `${socket.remoteAddress}:${socket.remotePort}`;
    const failures: string[] = [];
    try {
      const addresses = await resolveInTarget(session.link, host, remotePort);
      for (const address of addresses) {
        if (socket.destroyed) return;
        try {
          await session.outgoing.connectSocket(address, socket);
          this.unattached.delete(socket);
          this.log(LogLevel.debug, `-L ${this.spec.text}: ${client} → ${host} (${endpoint(address)})`);
          return;
        } catch (error) {
          failures.push(`${endpoint(address)}: ${(error as Error).message}`);
          if (session.link.lost) break;
        }
      }
    } catch (error) {
      failures.push((error as Error).message);
    }
    if (this.closed || socket.destroyed) return;
    this.log(
      LogLevel.warning,
      `-L ${this.spec.text}: the connection from ${client} could not reach ${host}:${remotePort} from the target (${failures.join("; ")}); reset it`,
    );
    this.unattached.delete(socket);
    socket.resetAndDestroy();
  }
}
