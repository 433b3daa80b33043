// A loopback listener whose every connection is forwarded to a port of a pod through the API server (client-node's
// PortForward: one WebSocket per connection, the API server proxies it to the node's kubelet, which dials
// 127.0.0.1:port inside the pod). The session's AgentLink connects here as it would to a local agent.
// client-node's PortForward neither ends the local socket when the WebSocket closes nor applies back-pressure in
// either direction; both are added here, and a refusal (HTTP status, or the kubelet's error channel) is kept so
// the caller can say why the connection dropped.
import net from "node:net";
import { Writable } from "node:stream";
import { type KubeConfig, PortForward } from "@kubernetes/client-node";
import type WebSocket from "ws";

/** Bytes the WebSocket may hold unsent before the local socket stops being read. */
const WEBSOCKET_HIGH_WATER = 1024 * 1024;

export interface PodPortForwardOptions {
  kubeConfig: KubeConfig;
  namespace: string;
  pod: string;
  port: number;
}

export class PodPortForward {
  readonly #server: net.Server;
  readonly #forward: PortForward;
  readonly #sockets = new Set<net.Socket>();
  readonly #websockets = new Set<WebSocket>();
  /** The last reason a forwarded connection failed or ended abnormally. */
  lastError: string | undefined;

  private constructor(readonly options: PodPortForwardOptions) {
    // disconnectOnErr: the kubelet's error channel is data here, not a reason for client-node to hang up.
    this.#forward = new PortForward(options.kubeConfig, false);
    this.#server = net.createServer((socket) => this.#relay(socket));
  }

  /** Listens on 127.0.0.1 on a free port. */
  static async start(options: PodPortForwardOptions): Promise<PodPortForward> {
    const forward = new PodPortForward(options);
    await new Promise<void>((resolve, reject) => {
      forward.#server.once("error", reject);
      forward.#server.listen({ host: "127.0.0.1", port: 0 }, () => resolve());
    });
    return forward;
  }

  get host(): string {
    return "127.0.0.1";
  }

  get port(): number {
    return (this.#server.address() as net.AddressInfo).port;
  }

  get target(): string {
    return `${this.options.namespace}/${this.options.pod}:${this.options.port}`;
  }

  /** Stops listening and ends every forwarded connection. */
  close(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy();
    // No closing handshake: an API server that does not answer it would keep this process alive for 30 s.
    for (const websocket of this.#websockets) websocket.terminate();
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }

  #relay(socket: net.Socket): void {
    this.#sockets.add(socket);
    // Frames of the session protocol are small and latency-bound (a stolen request's bytes): no Nagle delay.
    socket.setNoDelay(true);
    socket.once("close", () => this.#sockets.delete(socket));
    // The session side's errors (a reset link) end the forward like a close does.
    socket.on("error", () => socket.destroy());
    let ws: WebSocket | undefined;
    // Pod → here: a Writable, so a slow local reader pauses the WebSocket (client-node ignores write()'s result).
    const toSocket = new Writable({
      write: (chunk: Buffer, _encoding, done) => {
        if (socket.write(chunk)) return done();
        ws?.pause();
        socket.once("drain", () => {
          ws?.resume();
          done();
        });
      },
    });
    const kubeletErrors = new Writable({
      write: (chunk: Buffer, _encoding, done) => {
        const text = chunk.toString("utf8").trim();
        // The channel's first frame is only the port number, which client-node strips: nothing to report.
        if (text === "") return done();
        this.lastError = `the kubelet could not forward to ${this.target}: ${text}`;
        socket.destroy();
        done();
      },
    });
    const { namespace, pod, port } = this.options;
    this.#forward
      .portForward(namespace, pod, [port], toSocket, kubeletErrors, socket)
      .then((opened) => {
        ws = opened as unknown as WebSocket;
        const websocket = ws;
        if (socket.destroyed) {
          websocket.terminate();
          return;
        }
        this.#websockets.add(websocket);
        websocket.on("close", (code: number, reason: Buffer) => {
          if (code !== 1000 && code !== 1005)
            this.lastError = `the port-forward to ${this.target} closed (WebSocket ${code}${reason.length ? `: ${reason}` : ""})`;
          this.#websockets.delete(websocket);
          socket.destroy();
        });
        websocket.on("error", (error: Error) => {
          this.lastError = `the port-forward to ${this.target} failed: ${error.message}`;
          socket.destroy();
        });
        // Here → pod: stop reading while the WebSocket is backed up; a ping's callback runs once all before it
        // has been written, which is when reading may go on.
        socket.on("data", () => {
          if (websocket.bufferedAmount < WEBSOCKET_HIGH_WATER || socket.isPaused()) return;
          socket.pause();
          websocket.ping(undefined, undefined, () => socket.resume());
        });
        socket.once("close", () => websocket.close());
      })
      .catch((error: { message?: string }) => {
        this.lastError = `the API server refused the port-forward to ${this.target}: ${error.message ?? String(error)}`;
        socket.destroy();
      });
  }
}
