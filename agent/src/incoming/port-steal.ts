// Steal: every new TCP connection to a port of the target is redirected (nft, in the session's own table) to a
// listener the network worker opened inside the target's namespace, and handed to the session.
import type net from "node:net";
import { ErrnoError } from "../errno.ts";
import type { NetnsWorker } from "../netns/netns-worker.ts";
import type { SocketAddress } from "../netns/worker-messages.ts";
import { toSocketAddress } from "../socket-address.ts";
import { processStartTime } from "../target-process.ts";
import {
  type PortRedirect,
  portsStolenByOthers,
  runNft,
  sweepStaleTables,
  tableName,
  tableScript,
} from "./nft-table.ts";
import { RuleSupervisor } from "./supervisor.ts";

export interface StolenConnection {
  socket: net.Socket;
  port: number;
  remote: SocketAddress;
  local: SocketAddress;
}

interface Listener {
  server: net.Server;
  redirect: PortRedirect;
}

export class PortSteal {
  readonly #netnsPath: string;
  readonly #table: string;
  readonly #worker: NetnsWorker;
  readonly #onConnection: (connection: StolenConnection) => void;
  readonly #listeners = new Map<number, Listener>();
  #supervisor: RuleSupervisor | undefined;
  /** Rule changes run one after the other so each nft transaction sees the previous one. */
  #queue: Promise<unknown> = Promise.resolve();

  constructor(
    netnsPath: string,
    session: string,
    worker: NetnsWorker,
    onConnection: (connection: StolenConnection) => void,
  ) {
    this.#netnsPath = netnsPath;
    this.#table = tableName(session);
    this.#worker = worker;
    this.#onConnection = onConnection;
  }

  /** Removes doppel tables left behind by agents that are gone. */
  sweep(): Promise<string[]> {
    return sweepStaleTables(this.#netnsPath);
  }

  /**
   * Redirects `port` to a new listener. `placement` comes from concurrent-steal.ts when the caller has already
   * decided how to share the port with other sessions; without it another session's steal of the port is refused.
   */
  steal(port: number, placement?: { precedence: number; filtered: boolean }): Promise<void> {
    return this.#serialized(async () => {
      if (this.#listeners.has(port)) return;
      if (!placement) {
        const other = (await portsStolenByOthers(this.#netnsPath, this.#table)).get(port);
        if (other)
          throw new ErrnoError("EADDRINUSE", `port ${port} is already stolen by another doppel session (${other})`);
      }
      const { server, address } = await this.#listen();
      server.on("connection", (socket) => this.#accept(port, socket));
      this.#listeners.set(port, { server, redirect: { port, toPort: address.port, ...placement } });
      try {
        this.#supervisor ??= new RuleSupervisor(this.#netnsPath, this.#table);
        await this.#apply();
      } catch (error) {
        this.#listeners.delete(port);
        server.close();
        throw error;
      }
    });
  }

  release(port: number): Promise<void> {
    return this.#serialized(async () => {
      const listener = this.#listeners.get(port);
      if (!listener) return;
      this.#listeners.delete(port);
      await this.#apply();
      listener.server.close();
    });
  }

  /** Deletes the table and closes every listener; the supervisor is told it has nothing left to do. */
  releaseAll(): Promise<void> {
    return this.#serialized(async () => {
      for (const { server } of this.#listeners.values()) server.close();
      this.#listeners.clear();
      if (!this.#supervisor) return;
      await runNft(this.#netnsPath, ["delete", "table", "inet", this.#table]).catch(() => undefined);
      this.#supervisor.release();
      this.#supervisor = undefined;
    });
  }

  /** A dual-stack listener; IPv4 only where the namespace has IPv6 disabled. */
  async #listen(): Promise<{ server: net.Server; address: SocketAddress }> {
    try {
      return await this.#worker.listen(0, "::");
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code !== "EAFNOSUPPORT" && code !== "EADDRNOTAVAIL") throw error;
      return this.#worker.listen(0, "0.0.0.0");
    }
  }

  async #apply(): Promise<void> {
    const owner = { pid: process.pid, startTime: processStartTime(process.pid) ?? "0" };
    const redirects = [...this.#listeners.values()].map((l) => l.redirect);
    await runNft(this.#netnsPath, ["-f", "-"], tableScript(this.#table, owner, redirects));
  }

  #accept(port: number, socket: net.Socket): void {
    socket.setNoDelay(true);
    // After REDIRECT the socket's local port is our listener's; the connection was made to `port`.
    this.#onConnection({
      socket,
      port,
      remote: toSocketAddress(socket.remoteAddress, socket.remotePort, socket.remoteFamily),
      local: toSocketAddress(socket.localAddress, port, socket.localFamily),
    });
  }

  #serialized<T>(work: () => Promise<T>): Promise<T> {
    const next = this.#queue.then(work, work);
    this.#queue = next.catch(() => undefined);
    return next;
  }
}
