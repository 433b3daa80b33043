// The network worker: started by the agent as `nsenter --net=/proc/<pid>/ns/net node networker.js`, so every
// socket it creates (outgoing connects, steal listeners, UDP sockets, c-ares DNS sockets) belongs to the target's
// network namespace. It does no relaying itself: TCP sockets and listeners are handed to the agent over IPC.
// It exits when the agent's IPC channel closes, so an agent killed with -9 does not leave it behind.
import dgram from "node:dgram";
import { Resolver } from "node:dns/promises";
import net from "node:net";
import { toSocketAddress } from "../socket-address.ts";
import type { UdpOpenResult, WorkerError, WorkerEvent, WorkerReply, WorkerRequest } from "./worker-messages.ts";

const udpSockets = new Map<number, dgram.Socket>();
let nextUdpId = 1;
const resolvers = new Map<string, Resolver>();

function send(message: WorkerReply | WorkerEvent, handle?: net.Socket | net.Server): void {
  process.send?.(message, handle);
}

function toWorkerError(error: unknown): WorkerError {
  const code = (error as { code?: unknown })?.code;
  return {
    code: typeof code === "string" ? code : "EIO",
    message: error instanceof Error ? error.message : String(error),
  };
}

function connect(request: Extract<WorkerRequest, { op: "connect" }>): void {
  const socket = net.connect({ host: request.host, port: request.port, noDelay: true });
  const timer = setTimeout(
    () => socket.destroy(Object.assign(new Error("connect timed out"), { code: "ETIMEDOUT" })),
    request.timeoutMs,
  );
  socket.once("error", (error) => {
    clearTimeout(timer);
    send({ kind: "reply", id: request.id, ok: false, error: toWorkerError(error) });
  });
  socket.once("connect", () => {
    clearTimeout(timer);
    // Sent in the same tick as 'connect': the socket has not read anything yet, so no byte is lost in the handoff.
    const result = {
      local: toSocketAddress(socket.localAddress, socket.localPort, socket.localFamily),
      remote: toSocketAddress(socket.remoteAddress, socket.remotePort, socket.remoteFamily),
    };
    socket.removeAllListeners("error");
    send({ kind: "reply", id: request.id, ok: true, result }, socket);
  });
}

function listen(request: Extract<WorkerRequest, { op: "listen" }>): void {
  const server = net.createServer();
  server.once("error", (error) => send({ kind: "reply", id: request.id, ok: false, error: toWorkerError(error) }));
  server.listen({ port: request.port, host: request.host }, () => {
    const bound = server.address() as net.AddressInfo;
    send(
      { kind: "reply", id: request.id, ok: true, result: toSocketAddress(bound.address, bound.port, bound.family) },
      server,
    );
    // The agent now holds its own copy of the listening socket; ours only has to go away.
    server.close();
  });
}

function udpOpen(request: Extract<WorkerRequest, { op: "udpOpen" }>): void {
  const socket = dgram.createSocket(request.family === 6 ? "udp6" : "udp4");
  const socketId = nextUdpId++;
  const fail = (error: Error) => {
    socket.close();
    send({ kind: "reply", id: request.id, ok: false, error: toWorkerError(error) });
  };
  socket.once("error", fail);
  const ready = () => {
    socket.off("error", fail);
    socket.on("error", (error) => send({ kind: "udpError", socketId, error: toWorkerError(error) }));
    socket.on("message", (data, from) =>
      send({ kind: "udpMessage", socketId, data, address: from.address, port: from.port }),
    );
    udpSockets.set(socketId, socket);
    const bound = socket.address();
    const result: UdpOpenResult = { socketId, local: toSocketAddress(bound.address, bound.port, bound.family) };
    if (request.peer) {
      const peer = socket.remoteAddress();
      result.remote = toSocketAddress(peer.address, peer.port, peer.family);
    }
    send({ kind: "reply", id: request.id, ok: true, result });
  };
  socket.bind({ port: request.bind?.port ?? 0, address: request.bind?.address }, () => {
    if (request.peer) socket.connect(request.peer.port, request.peer.address, ready);
    else ready();
  });
}

function udpSend(request: Extract<WorkerRequest, { op: "udpSend" }>): void {
  const socket = udpSockets.get(request.socketId);
  if (!socket) {
    send({
      kind: "reply",
      id: request.id,
      ok: false,
      error: { code: "EBADF", message: `no UDP socket ${request.socketId}` },
    });
    return;
  }
  const done = (error: Error | null, bytes: number) => {
    if (error) send({ kind: "reply", id: request.id, ok: false, error: toWorkerError(error) });
    else send({ kind: "reply", id: request.id, ok: true, result: bytes });
  };
  if (request.address === undefined) socket.send(request.data, done);
  else socket.send(request.data, request.port, request.address, done);
}

function udpClose(request: Extract<WorkerRequest, { op: "udpClose" }>): void {
  udpSockets.get(request.socketId)?.close();
  udpSockets.delete(request.socketId);
  send({ kind: "reply", id: request.id, ok: true, result: null });
}

async function dnsQuery(request: Extract<WorkerRequest, { op: "dnsQuery" }>): Promise<void> {
  const key = `${request.servers.join(",")}|${request.timeoutMs}|${request.tries}`;
  let resolver = resolvers.get(key);
  if (!resolver) {
    resolver = new Resolver({ timeout: request.timeoutMs, tries: request.tries });
    resolver.setServers(request.servers);
    resolvers.set(key, resolver);
  }
  try {
    const answers =
      request.type === "A"
        ? await resolver.resolve4(request.name)
        : request.type === "AAAA"
          ? await resolver.resolve6(request.name)
          : await resolver.reverse(request.name);
    send({ kind: "reply", id: request.id, ok: true, result: answers });
  } catch (error) {
    send({ kind: "reply", id: request.id, ok: false, error: toWorkerError(error) });
  }
}

const handlers: { [K in WorkerRequest["op"]]: (request: Extract<WorkerRequest, { op: K }>) => void | Promise<void> } = {
  connect,
  listen,
  udpOpen,
  udpSend,
  udpClose,
  dnsQuery,
};

process.on("message", (request: WorkerRequest) => {
  (handlers[request.op] as (r: WorkerRequest) => void)(request);
});
process.on("disconnect", () => process.exit(0));
send({ kind: "ready" });
