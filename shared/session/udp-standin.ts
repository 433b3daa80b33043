// The UDP stand-in (PROTOCOL.md §9): a loopback UDP socket the layer points the app's socket at. Each datagram
// between them starts with an encoded `addr` — the destination going out, the source coming back — which the
// layer's sendto/recvfrom hooks add and strip. The proxy learns the app's socket address from its first datagram.
import { createSocket, type RemoteInfo, type Socket } from "node:dgram";
import { ADDRESS_LENGTH, ipFromBytes, ipToBytes } from "../protocol/address.ts";
import type { Address } from "../protocol/index.ts";
import type { AgentLink } from "./agent-link.ts";

/** The layer never says when the app closes a UDP socket, so a stand-in that carried nothing for this long goes. */
const udpIdleMs = 120_000;

export function encodeAddressPrefix(address: Address): Buffer {
  const ip = ipToBytes(address);
  if (typeof ip === "string") throw new Error(`cannot encode datagram address: ${ip}`);
  const prefix = Buffer.alloc(1 + ip.length + 2);
  prefix.writeUInt8(address.family, 0);
  prefix.set(ip, 1);
  prefix.writeUInt16BE(address.port, 1 + ip.length);
  return prefix;
}

/** Splits a stand-in datagram into its address prefix and payload; undefined when the prefix is malformed. */
export function decodeAddressPrefix(datagram: Buffer): { peer: Address; data: Buffer } | undefined {
  const family = datagram[0];
  if (family !== 0 && family !== 4 && family !== 6) return undefined;
  const ipEnd = 1 + ADDRESS_LENGTH[family];
  if (datagram.length < ipEnd + 2) return undefined;
  const peer: Address = {
    family,
    ip: ipFromBytes(family, datagram.subarray(1, ipEnd)),
    port: datagram.readUInt16BE(ipEnd),
  };
  return { peer, data: datagram.subarray(ipEnd + 2) };
}

export class UdpStandin {
  private app: RemoteInfo | undefined;
  private idleTimer: NodeJS.Timeout;
  private closed = false;

  private constructor(
    private readonly socket: Socket,
    private readonly link: AgentLink,
    readonly connId: number,
    readonly address: Address,
    private readonly onFinished: (connId: number) => void,
  ) {
    socket.on("message", (datagram, sender) => this.fromApp(datagram, sender));
    socket.on("error", () => this.close(true));
    this.idleTimer = setTimeout(() => this.close(true), udpIdleMs);
    this.idleTimer.unref();
  }

  static open(
    link: AgentLink,
    connId: number,
    family: 4 | 6,
    onFinished: (connId: number) => void,
  ): Promise<UdpStandin> {
    const host = family === 6 ? "::1" : "127.0.0.1";
    const socket = createSocket({
      type: family === 6 ? "udp6" : "udp4",
      recvBufferSize: 256 * 1024,
      sendBufferSize: 256 * 1024,
    });
    return new Promise((resolve, reject) => {
      socket.once("error", reject);
      socket.bind({ address: host, port: 0 }, () => {
        socket.off("error", reject);
        const { port } = socket.address();
        resolve(new UdpStandin(socket, link, connId, { family, ip: host, port }, onFinished));
      });
    });
  }

  /** NET_DATAGRAM from the agent: hand it to the app with its source address in front. */
  deliver(peer: Address, data: Uint8Array): void {
    if (this.closed || !this.app) return;
    this.idleTimer.refresh();
    this.socket.send([encodeAddressPrefix(peer), data], this.app.port, this.app.address);
  }

  /** NET_CLOSE from the agent, the session ending, or idleness (then the agent is told). */
  close(tellAgent = false): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.idleTimer);
    if (tellAgent) this.link.send("NET_CLOSE", { conn_id: this.connId, errnum: 0 });
    this.socket.close();
    this.onFinished(this.connId);
  }

  private fromApp(datagram: Buffer, sender: RemoteInfo): void {
    const parsed = decodeAddressPrefix(datagram);
    if (!parsed || this.closed) return;
    // The first sender is the app's socket; datagrams from anyone else on this machine are not the session's.
    if (this.app && (this.app.address !== sender.address || this.app.port !== sender.port)) return;
    this.app = sender;
    this.idleTimer.refresh();
    this.link.send("NET_DATAGRAM", { conn_id: this.connId, peer: parsed.peer, data: parsed.data });
  }
}
