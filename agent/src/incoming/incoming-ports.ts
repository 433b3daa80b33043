// Who receives the traffic of which port: the agent-wide registry of steal and mirror subscriptions. Sessions
// come and go (a proxy may reconnect); the kernel-side state (one nft table, one tcpdump per mirrored port and
// subscriber) lives here so that a session's end releases exactly what it held.
import { ErrnoError } from "../errno.ts";
import type { NetnsWorker } from "../netns/netns-worker.ts";
import { type MirrorEvents, PortMirror } from "./port-mirror.ts";
import { PortSteal, type StolenConnection } from "./port-steal.ts";

export const IncomingMode = { mirror: 1, steal: 2 } as const;

export interface IncomingSubscriber {
  stolen(connection: StolenConnection): void;
  /** Events of one mirror capture for `port`; called once per subscription. */
  mirrorEvents(port: number): MirrorEvents;
}

export class IncomingPorts {
  readonly #netnsPath: string;
  readonly #steal: PortSteal;
  readonly #stealOwners = new Map<number, IncomingSubscriber>();
  readonly #mirrors = new Map<IncomingSubscriber, Map<number, PortMirror>>();

  constructor(netnsPath: string, session: string, worker: NetnsWorker) {
    this.#netnsPath = netnsPath;
    this.#steal = new PortSteal(netnsPath, session, worker, (connection) => this.#routeStolen(connection));
  }

  /** Removes doppel tables of dead agents in the target's namespace. */
  sweep(): Promise<string[]> {
    return this.#steal.sweep();
  }

  async subscribe(port: number, mode: number, subscriber: IncomingSubscriber, mirrorPercent: number): Promise<void> {
    if (mode === IncomingMode.steal) {
      const owner = this.#stealOwners.get(port);
      if (owner === subscriber) return;
      if (owner) throw new ErrnoError("EADDRINUSE", `port ${port} is already stolen by another session of this agent`);
      this.#stealOwners.set(port, subscriber);
      try {
        await this.#steal.steal(port);
      } catch (error) {
        this.#stealOwners.delete(port);
        throw error;
      }
      return;
    }
    if (mode !== IncomingMode.mirror)
      throw new ErrnoError("EINVAL", `incoming mode ${mode} is neither 1 (mirror) nor 2 (steal)`);
    const mirrors = this.#mirrors.get(subscriber) ?? new Map<number, PortMirror>();
    this.#mirrors.set(subscriber, mirrors);
    if (mirrors.has(port)) return;
    const events = sampled(subscriber.mirrorEvents(port), mirrorPercent);
    mirrors.set(port, await PortMirror.start(this.#netnsPath, port, events));
  }

  async unsubscribe(port: number, subscriber: IncomingSubscriber): Promise<void> {
    if (this.#stealOwners.get(port) === subscriber) {
      this.#stealOwners.delete(port);
      await this.#steal.release(port);
    }
    const mirrors = this.#mirrors.get(subscriber);
    mirrors?.get(port)?.stop();
    mirrors?.delete(port);
  }

  async unsubscribeAll(subscriber: IncomingSubscriber): Promise<void> {
    for (const [port, owner] of [...this.#stealOwners]) {
      if (owner === subscriber) await this.unsubscribe(port, subscriber);
    }
    for (const mirror of this.#mirrors.get(subscriber)?.values() ?? []) mirror.stop();
    this.#mirrors.delete(subscriber);
  }

  /** Agent shutdown: every redirect and capture goes, the supervisor is released. */
  async close(): Promise<void> {
    for (const mirrors of this.#mirrors.values()) for (const mirror of mirrors.values()) mirror.stop();
    this.#mirrors.clear();
    this.#stealOwners.clear();
    await this.#steal.releaseAll();
  }

  #routeStolen(connection: StolenConnection): void {
    const owner = this.#stealOwners.get(connection.port);
    if (owner) owner.stolen(connection);
    else connection.socket.destroy();
  }
}

/** Passes on only `percent` % of new connections (mirror_percent), and everything about the ones passed on. */
function sampled(events: MirrorEvents, percent: number): MirrorEvents {
  if (percent >= 100) return events;
  const chosen = new Set<number>();
  return {
    open(flowId, endpoints) {
      if (Math.random() * 100 >= percent) return;
      chosen.add(flowId);
      events.open(flowId, endpoints);
    },
    data(flowId, data) {
      if (chosen.has(flowId)) events.data(flowId, data);
    },
    close(flowId) {
      if (chosen.delete(flowId)) events.close(flowId);
    },
    lost(flowId, bytes) {
      if (chosen.has(flowId)) events.lost?.(flowId, bytes);
    },
    failed: (message) => events.failed(message),
  };
}
