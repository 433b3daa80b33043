// Turns "send this request to that session" into an ordinary stolen connection the session already knows how to
// relay: the agent connects to its own loopback gateway listener and hands the accepted end to the subscriber as a
// new incoming connection (IN_CONNECTION with the original client's addresses), while the router speaks HTTP on
// the connecting end. The two ends are paired by the connecting socket's port, whichever side is seen first.
import net from "node:net";
import type { SocketAddress } from "../../netns/worker-messages.ts";
import type { StolenConnection } from "../port-steal.ts";

export interface GatewayDelivery {
  port: number;
  remote: SocketAddress;
  local: SocketAddress;
  deliver(connection: StolenConnection): void;
}

interface Waiting {
  accepted?: net.Socket;
  delivery?: GatewayDelivery;
}

export class SessionGateway {
  readonly #server: net.Server;
  readonly #waiting = new Map<number, Waiting>();
  #listening: Promise<number> | undefined;

  constructor() {
    this.#server = net.createServer({ noDelay: true }, (socket) =>
      this.#pair(socket.remotePort ?? 0, { accepted: socket }),
    );
  }

  /** Opens a connection that `delivery.deliver` receives the other end of; resolves with the router's end. */
  async open(delivery: GatewayDelivery): Promise<net.Socket> {
    const port = await this.#port();
    const socket = net.connect({ host: "127.0.0.1", port, noDelay: true });
    await new Promise<void>((resolve, reject) => {
      socket.once("connect", resolve);
      socket.once("error", reject);
    });
    socket.removeAllListeners("error");
    this.#pair(socket.localPort ?? 0, { delivery });
    return socket;
  }

  close(): void {
    this.#server.close();
    for (const waiting of this.#waiting.values()) waiting.accepted?.destroy();
    this.#waiting.clear();
  }

  #port(): Promise<number> {
    this.#listening ??= new Promise((resolve, reject) => {
      this.#server.once("error", reject);
      this.#server.listen({ host: "127.0.0.1", port: 0 }, () =>
        resolve((this.#server.address() as net.AddressInfo).port),
      );
    });
    return this.#listening;
  }

  #pair(key: number, half: Waiting): void {
    const waiting = { ...this.#waiting.get(key), ...half };
    if (!waiting.accepted || !waiting.delivery) {
      this.#waiting.set(key, waiting);
      return;
    }
    this.#waiting.delete(key);
    const { accepted, delivery } = waiting;
    delivery.deliver({ socket: accepted, port: delivery.port, remote: delivery.remote, local: delivery.local });
  }
}
