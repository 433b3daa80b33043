// Outgoing connections (PROTOCOL.md §9): the agent connects from inside the pod, the proxy opens a stand-in on
// loopback, and the layer connects the app's own socket to the stand-in. The relay for the new connection id is
// registered the moment the agent's reply arrives, so data the remote side sends first (banners) is kept.
import type { Socket } from "node:net";
import type { Address, Body } from "../protocol/index.ts";
import type { AgentLink } from "./agent-link.ts";
import { ConnectionRelay } from "./connection-relay.ts";
import { openTcpStandin } from "./standin.ts";
import { UdpStandin } from "./udp-standin.ts";

const IPPROTO_TCP = 6;
const IPPROTO_UDP = 17;

export interface RelayTable {
  get(connId: number): ConnectionRelay | UdpStandin | undefined;
  set(connId: number, relay: ConnectionRelay | UdpStandin): void;
  delete(connId: number): void;
}

export class Outgoing {
  constructor(
    private readonly link: AgentLink,
    private readonly relays: RelayTable,
  ) {}

  async connect(request: Body<"NET_CONNECT">): Promise<Body<"NET_CONNECTED">> {
    const family = request.remote.family === 6 ? 6 : 4;
    if (request.protocol === IPPROTO_UDP) {
      const reply = await this.link.request("NET_CONNECT", request);
      if (reply.type !== "NET_CONNECTED") throw new Error(`the agent answered NET_CONNECT with ${reply.type}`);
      return this.withUdpStandin(reply.body, family);
    }
    const { connected, relay } = await this.connectTcp(request);
    try {
      const standin = await openTcpStandin(family);
      standin.connection.then(
        (socket) => relay.attach(socket),
        (error: NodeJS.ErrnoException) => relay.localFailed(error),
      );
      return { ...connected, standin: standin.address };
    } catch (error) {
      relay.localFailed(error as NodeJS.ErrnoException);
      throw error;
    }
  }

  /**
   * A TCP connection from the pod to `remote` for a local socket that already exists (a connection `doppel
   * port-forward` accepted): the socket is piped to the new connection id, no stand-in needed.
   */
  async connectSocket(remote: Address, socket: Socket): Promise<Body<"NET_CONNECTED">> {
    const { connected, relay } = await this.connectTcp({ protocol: IPPROTO_TCP, remote });
    relay.attach(socket);
    return connected;
  }

  /** NET_CONNECT (TCP) with the relay registered the moment the reply arrives. */
  private async connectTcp(
    request: Body<"NET_CONNECT">,
  ): Promise<{ connected: Body<"NET_CONNECTED">; relay: ConnectionRelay }> {
    let relay: ConnectionRelay | undefined;
    const reply = await this.link.request("NET_CONNECT", request, (frame) => {
      if (frame.type !== "NET_CONNECTED") return;
      relay = new ConnectionRelay(this.link, frame.body.conn_id, { onFinished: (id) => this.relays.delete(id) });
      this.relays.set(frame.body.conn_id, relay);
    });
    if (reply.type !== "NET_CONNECTED" || !relay) throw new Error(`the agent answered NET_CONNECT with ${reply.type}`);
    return { connected: reply.body, relay };
  }

  async bindUdp(request: Body<"NET_UDP_BIND">): Promise<Body<"NET_CONNECTED">> {
    const reply = await this.link.request("NET_UDP_BIND", request);
    if (reply.type !== "NET_CONNECTED") throw new Error(`the agent answered NET_UDP_BIND with ${reply.type}`);
    return this.withUdpStandin(reply.body, request.local.family === 6 ? 6 : 4);
  }

  private async withUdpStandin(connected: Body<"NET_CONNECTED">, family: 4 | 6): Promise<Body<"NET_CONNECTED">> {
    try {
      const standin = await UdpStandin.open(this.link, connected.conn_id, family, (id) => this.relays.delete(id));
      this.relays.set(connected.conn_id, standin);
      return { ...connected, standin: standin.address };
    } catch (error) {
      this.link.send("NET_CLOSE", { conn_id: connected.conn_id, errnum: 0 });
      throw error;
    }
  }
}
