// NET_* (PROTOCOL.md §9): outgoing TCP and UDP from inside the target's network namespace, and the data path of
// every connection id, incoming ones included.
import type { Address } from "../../../shared/protocol/index.ts";
import { ErrnoError } from "../errno.ts";
import type { SocketAddress } from "../netns/worker-messages.ts";
import type { HandlerTable } from "./session.ts";
import { NO_ADDRESS } from "./wire.ts";

const IPPROTO_TCP = 6;
const IPPROTO_UDP = 17;
/** Roughly Linux's own limit for an unanswered SYN (6 retries ≈ 127 s) rounded down to something a user waits. */
const CONNECT_TIMEOUT_MS = 60_000;

export function toAddress(address: SocketAddress): Address {
  return { family: address.family, ip: address.address, port: address.port };
}

function family(address: Address, what: string): 4 | 6 {
  if (address.family === 0) throw new ErrnoError("EINVAL", `${what} needs an IPv4 or IPv6 address`);
  return address.family;
}

export const netHandlers: HandlerTable = {
  async NET_CONNECT(session, body, requestId) {
    const { remote } = body;
    family(remote, "NET_CONNECT");
    if (body.protocol === IPPROTO_TCP) {
      const connected = await session.services.worker.connect(remote.ip, remote.port, CONNECT_TIMEOUT_MS);
      const connId = session.allocateConnId();
      session.reply("NET_CONNECTED", requestId, {
        conn_id: connId,
        local: toAddress(connected.local),
        remote: toAddress(connected.remote),
        standin: NO_ADDRESS,
      });
      session.addStream(connId, connected.socket);
    } else if (body.protocol === IPPROTO_UDP) {
      const peer = { address: remote.ip, port: remote.port };
      const opened = await session.services.worker.udpOpen(family(remote, "NET_CONNECT"), undefined, peer);
      const connId = session.addDatagramSocket(opened.socketId);
      session.reply("NET_CONNECTED", requestId, {
        conn_id: connId,
        local: toAddress(opened.local),
        remote: opened.remote ? toAddress(opened.remote) : NO_ADDRESS,
        standin: NO_ADDRESS,
      });
    } else {
      throw new ErrnoError("EPROTONOSUPPORT", `NET_CONNECT protocol ${body.protocol} is neither 6 (TCP) nor 17 (UDP)`);
    }
  },
  async NET_UDP_BIND(session, body, requestId) {
    const { local } = body;
    const fam = family(local, "NET_UDP_BIND");
    const opened = await session.services.worker.udpOpen(fam, { address: local.ip, port: local.port });
    const connId = session.addDatagramSocket(opened.socketId);
    session.reply("NET_CONNECTED", requestId, {
      conn_id: connId,
      local: toAddress(opened.local),
      remote: NO_ADDRESS,
      standin: NO_ADDRESS,
    });
  },
  NET_DATA(session, body) {
    session.streams.write(body.conn_id, body.data);
  },
  async NET_DATAGRAM(session, body) {
    const socketId = session.datagramSocket(body.conn_id);
    if (socketId === undefined) return;
    const { peer } = body;
    try {
      if (peer.family === 0) await session.services.worker.udpSend(socketId, body.data);
      else await session.services.worker.udpSend(socketId, body.data, peer.ip, peer.port);
    } catch (error) {
      // Datagrams are unreliable by contract; a failed send is only worth a debug line.
      session.log("debug", `UDP send on connection ${body.conn_id} failed: ${(error as Error).message}`);
    }
  },
  NET_SHUTDOWN(session, body) {
    session.streams.shutdown(body.conn_id);
  },
  async NET_CLOSE(session, body) {
    await session.closeConnection(body.conn_id, body.errnum);
  },
  NET_PAUSE(session, body) {
    session.streams.pause(body.conn_id);
  },
  NET_RESUME(session, body) {
    session.streams.resume(body.conn_id);
  },
};
