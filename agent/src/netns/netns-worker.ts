// Agent side of the network worker: starts it inside the target's network namespace with nsenter (no native
// code needed in the agent) and turns its IPC messages into promises.
import { type ChildProcess, spawn } from "node:child_process";
import { EventEmitter } from "node:events";
import type net from "node:net";
import { ErrnoError } from "../errno.ts";
import type {
  ConnectResult,
  DnsRecordType,
  SocketAddress,
  UdpOpenResult,
  WorkerEvent,
  WorkerReply,
  WorkerRequest,
} from "./worker-messages.ts";

/**
 * The group id the worker runs as (still uid 0, so with every capability). Its sockets carry it, so the steal rules
 * can exempt connections the agent itself makes to a stolen port ("meta skgid"); otherwise passing traffic on to
 * the original app would be redirected straight back to the agent. 0x646f70 spells "dop".
 */
export const WORKER_GID = 0x646f70;

/** Distributes the request type over the union so each op keeps its own fields. */
type RequestBody<R> = R extends WorkerRequest ? Omit<R, "id"> : never;

interface Pending {
  resolve(value: { result: unknown; handle: unknown }): void;
  reject(error: Error): void;
}

export interface WorkerEvents {
  udpMessage: [Extract<WorkerEvent, { kind: "udpMessage" }>];
  udpError: [Extract<WorkerEvent, { kind: "udpError" }>];
  exit: [code: number | null, signal: NodeJS.Signals | null];
}

export class NetnsWorker extends EventEmitter<WorkerEvents> {
  readonly #child: ChildProcess;
  readonly #pending = new Map<number, Pending>();
  #nextId = 1;
  #exited = false;

  /**
   * `workerCommand` runs the worker script, e.g. [process.execPath, ".../networker.js"]; it is prefixed with
   * `nsenter --net=/proc/<pid>/ns/net` so the worker joins the target's network namespace and nothing else.
   */
  constructor(
    netnsPath: string,
    workerCommand: readonly string[],
    options: { enterNetns: boolean } = { enterNetns: true },
  ) {
    super();
    // A targetless agent serves its own namespace: no nsenter, which would need CAP_SYS_ADMIN it is not given.
    const [program, ...args] = options.enterNetns
      ? ["nsenter", `--net=${netnsPath}`, `--setgid=${WORKER_GID}`, "--", ...workerCommand]
      : workerCommand;
    this.#child = spawn(program as string, args, {
      stdio: ["ignore", "inherit", "inherit", "ipc"],
      serialization: "advanced",
    });
    this.#child.on("message", (message: WorkerReply | WorkerEvent, handle: unknown) =>
      this.#onMessage(message, handle),
    );
    this.ready = new Promise((resolve, reject) => {
      this.#child.once("message", (message: WorkerEvent) => {
        if (message.kind === "ready") resolve();
      });
      this.#child.once("error", (error) =>
        reject(
          new Error(`could not start the network worker with nsenter: ${error.message}; install util-linux (nsenter)`),
        ),
      );
      this.#child.once("exit", (code, signal) =>
        reject(
          new Error(
            `the network worker could not enter ${netnsPath} (nsenter exited with code ${code}, signal ${signal})`,
          ),
        ),
      );
    });
    this.ready.catch(() => undefined);
    this.#child.on("error", () => undefined);
    this.#child.on("exit", (code, signal) => {
      this.#exited = true;
      const failure = new ErrnoError("EIO", `network worker in ${netnsPath} exited (code ${code}, signal ${signal})`);
      for (const pending of this.#pending.values()) pending.reject(failure);
      this.#pending.clear();
      this.emit("exit", code, signal);
    });
  }

  /** Resolves once the worker runs inside the namespace; rejects with the reason when it could not start. */
  readonly ready: Promise<void>;

  /** TCP connect from inside the target's namespace; the returned socket is already connected. */
  async connect(host: string, port: number, timeoutMs: number): Promise<{ socket: net.Socket } & ConnectResult> {
    const { result, handle } = await this.#request({ op: "connect", host, port, timeoutMs });
    return { socket: handle as net.Socket, ...(result as ConnectResult) };
  }

  /** A listening TCP server bound inside the target's namespace; the agent accepts on it directly. */
  async listen(port: number, host: string): Promise<{ server: net.Server; address: SocketAddress }> {
    const { result, handle } = await this.#request({ op: "listen", port, host });
    return { server: handle as net.Server, address: result as SocketAddress };
  }

  /** A UDP socket in the target's namespace, bound to `bind` (default: any) and connected to `peer` if given. */
  async udpOpen(
    family: 4 | 6,
    bind?: { address: string; port: number },
    peer?: { address: string; port: number },
  ): Promise<UdpOpenResult> {
    const { result } = await this.#request({ op: "udpOpen", family, bind, peer });
    return result as UdpOpenResult;
  }

  async udpSend(socketId: number, data: Uint8Array, address?: string, port?: number): Promise<number> {
    const { result } = await this.#request({ op: "udpSend", socketId, data, address, port });
    return result as number;
  }

  async udpClose(socketId: number): Promise<void> {
    await this.#request({ op: "udpClose", socketId });
  }

  async dnsQuery(
    servers: string[],
    timeoutMs: number,
    tries: number,
    name: string,
    type: DnsRecordType,
  ): Promise<string[]> {
    const { result } = await this.#request({ op: "dnsQuery", servers, timeoutMs, tries, name, type });
    return result as string[];
  }

  /** Ends the worker: closing the IPC channel makes it exit. Resolves once it has. */
  async stop(): Promise<void> {
    if (this.#exited) return;
    const exited = new Promise<void>((resolve) => this.#child.once("exit", () => resolve()));
    if (this.#child.connected) this.#child.disconnect();
    else this.#child.kill("SIGTERM");
    await exited;
  }

  #request(body: RequestBody<WorkerRequest>): Promise<{ result: unknown; handle: unknown }> {
    if (this.#exited || !this.#child.connected) {
      return Promise.reject(new ErrnoError("EIO", "the network worker is not running"));
    }
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.#child.send({ ...body, id } as WorkerRequest);
    });
  }

  #onMessage(message: WorkerReply | WorkerEvent, handle: unknown): void {
    if (message.kind === "ready") return;
    if (message.kind === "udpMessage" || message.kind === "udpError") {
      this.emit(message.kind, message as never);
      return;
    }
    const pending = this.#pending.get(message.id);
    if (!pending) return;
    this.#pending.delete(message.id);
    if (message.ok) pending.resolve({ result: message.result, handle });
    else pending.reject(new ErrnoError(message.error.code, message.error.message));
  }
}
