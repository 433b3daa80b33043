// Incoming traffic (PROTOCOL.md §10): the session's port subscriptions and the connections the agent delivers.
// For each IN_CONNECTION the proxy opens a real TCP connection to where the app listens and pipes it to the
// connection id; it remembers which remote peer each such connection stands for, so the layer's accept and
// getpeername hooks can report the pod-side client (IN_PEER_GET).
import { constants } from "node:os";
import ipaddr from "ipaddr.js";
import type { Address, Body } from "../protocol/index.ts";
import type { AgentLink } from "./agent-link.ts";
import { bufferedSocket, ConnectionRelay } from "./connection-relay.ts";
import type { RelayTable } from "./outgoing.ts";

export const IncomingMode = { mirror: 1, steal: 2 } as const;

/** How long the peer of a finished connection stays known: the app may accept it only after it ended. */
const peerMemoryMs = 60_000;

export interface IncomingSettings {
  concurrentSteal: number;
  mirrorPercent: number;
  /** IN_SUBSCRIBE.http_filter for a pod port, from the config (incoming-filter.ts); "" or absent: the whole port. */
  httpFilter?: (port: number) => string;
}

interface Subscription {
  app: Address;
  mode: number;
  owner: object;
}

interface Peer {
  remote: Address;
  local: Address;
}

export class IncomingRouter {
  private readonly subscriptions = new Map<number, Subscription>();
  private readonly peers = new Map<string, Peer>();

  constructor(
    private readonly link: AgentLink,
    private readonly settings: IncomingSettings,
    private readonly relays: RelayTable,
    private readonly warn: (text: string) => void,
  ) {}

  /** IN_SUBSCRIBE from a layer. A port already subscribed by this session is re-pointed at the newest listener. */
  async subscribe(owner: object, request: Body<"IN_SUBSCRIBE">): Promise<void> {
    if (request.mode !== IncomingMode.mirror && request.mode !== IncomingMode.steal) {
      throw Object.assign(new Error(`incoming mode ${request.mode} is neither mirror (1) nor steal (2)`), {
        errno: constants.errno.EINVAL,
      });
    }
    const existing = this.subscriptions.get(request.port);
    if (existing) {
      Object.assign(existing, { app: request.app, owner });
      return;
    }
    await this.link.request("IN_SUBSCRIBE", {
      port: request.port,
      mode: request.mode,
      app: { family: 0, ip: "", port: 0 },
      concurrent_steal: this.settings.concurrentSteal,
      mirror_percent: this.settings.mirrorPercent,
      http_filter: request.http_filter || (this.settings.httpFilter?.(request.port) ?? ""),
    });
    this.subscriptions.set(request.port, { app: request.app, mode: request.mode, owner });
  }

  async unsubscribe(owner: object, port: number): Promise<void> {
    const subscription = this.subscriptions.get(port);
    if (!subscription || subscription.owner !== owner) return;
    this.subscriptions.delete(port);
    await this.link.request("IN_UNSUBSCRIBE", { port });
  }

  /** A layer process is gone: its listeners are gone with it. */
  async ownerGone(owner: object): Promise<void> {
    const ports = [...this.subscriptions].filter(([, s]) => s.owner === owner).map(([port]) => port);
    await Promise.allSettled(ports.map((port) => this.unsubscribe(owner, port)));
  }

  get subscribedPorts(): number[] {
    return [...this.subscriptions.keys()];
  }

  /** IN_CONNECTION from the agent; runs synchronously so data frames that follow find the relay. */
  accept(event: Body<"IN_CONNECTION">): void {
    const subscription = this.subscriptions.get(event.port);
    if (!subscription) {
      this.link.send("NET_CLOSE", { conn_id: event.conn_id, errnum: constants.errno.ECONNREFUSED });
      return;
    }
    let peerKey: string | undefined;
    const relay = new ConnectionRelay(this.link, event.conn_id, {
      dropLocalData: subscription.mode === IncomingMode.mirror,
      onFinished: (connId) => {
        this.relays.delete(connId);
        if (peerKey !== undefined) this.forgetPeerLater(peerKey);
      },
    });
    this.relays.set(event.conn_id, relay);
    const socket = bufferedSocket({ allowHalfOpen: true }).connect({
      host: reachable(subscription.app),
      port: subscription.app.port,
    });
    let connected = false;
    socket.once("connect", () => {
      connected = true;
      peerKey = peerKeyOf(socket.localAddress ?? "", socket.localPort ?? 0);
      this.peers.set(peerKey, { remote: event.remote, local: event.local });
      relay.attach(socket);
    });
    socket.once("error", (error: NodeJS.ErrnoException) => {
      // After the connect the relay owns the socket's errors. (`socket.connecting` is already false when a failed
      // connect is reported, so it cannot tell the two apart.)
      if (connected) return;
      this.warn(
        `a connection to port ${event.port} could not reach the app at ${reachable(subscription.app)}:${subscription.app.port}: ${error.message}`,
      );
      relay.localFailed(error);
    });
  }

  /** IN_PEER_GET: which pod-side client the proxy's connection from `proxySide` stands for. */
  peerOf(proxySide: Address): Peer | undefined {
    return this.peers.get(peerKeyOf(proxySide.ip, proxySide.port));
  }

  private forgetPeerLater(key: string): void {
    setTimeout(() => this.peers.delete(key), peerMemoryMs).unref();
  }
}

/** The app may see our IPv4 end as an IPv4-mapped IPv6 address (dual-stack listener); both name the same end. */
function peerKeyOf(ip: string, port: number): string {
  const canonical = ipaddr.isValid(ip) ? ipaddr.process(ip).toString() : ip;
  return `${canonical}|${port}`;
}

/** Where to reach an app that listens on `address`: a wildcard listener is reached on loopback. */
function reachable(address: Address): string {
  if (address.ip === "0.0.0.0" || address.ip === "") return "127.0.0.1";
  if (address.ip === "::") return "::1";
  return address.ip;
}
