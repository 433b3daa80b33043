// Who receives the traffic of which port: the agent-wide registry of steal and mirror subscriptions. Sessions
// come and go (a proxy may reconnect); the kernel-side state (one nft table, one tcpdump per mirrored port and
// subscriber) lives here so that a session's end releases exactly what it held.
import { ErrnoError } from "../errno.ts";
import type { NetnsWorker } from "../netns/netns-worker.ts";
import { filteredMirror } from "./http/mirror-filter.ts";
import { tableName } from "./nft-table.ts";
import { type MirrorEvents, PortMirror } from "./port-mirror.ts";
import { PortSteal, type StolenConnection } from "./port-steal.ts";
import { type StealRequest, StealRoutes } from "./steal-routes.ts";

export const IncomingMode = { mirror: 1, steal: 2 } as const;

export interface IncomingSubscriber {
  stolen(connection: StolenConnection): void;
  /** Events of one mirror capture for `port`; called once per subscription. */
  mirrorEvents(port: number): MirrorEvents;
}

export class IncomingPorts {
  readonly #netnsPath: string;
  readonly #steal: PortSteal;
  readonly #stealRoutes: StealRoutes;
  readonly #mirrors = new Map<IncomingSubscriber, Map<number, PortMirror>>();

  constructor(netnsPath: string, session: string, worker: NetnsWorker) {
    this.#netnsPath = netnsPath;
    this.#steal = new PortSteal(netnsPath, session, worker, (connection) => this.#stealRoutes.route(connection));
    this.#stealRoutes = new StealRoutes(netnsPath, tableName(session), this.#steal, worker);
  }

  /** Removes doppel tables of dead agents in the target's namespace. */
  sweep(): Promise<string[]> {
    return this.#steal.sweep();
  }

  /**
   * Resolves with a warning for the session when a steal goes without the port (on_concurrent_steal = continue).
   * `options` carries the HTTP filter (steal: steal-routes.ts; mirror: http/mirror-filter.ts) and the
   * concurrent-steal policy.
   */
  async subscribe(
    port: number,
    mode: number,
    subscriber: IncomingSubscriber,
    mirrorPercent: number,
    options: Omit<StealRequest, "subscriber"> = { filter: undefined, concurrentSteal: 0 },
  ): Promise<string | undefined> {
    if (mode === IncomingMode.steal) return this.#stealRoutes.subscribe(port, { ...options, subscriber });
    if (mode !== IncomingMode.mirror)
      throw new ErrnoError("EINVAL", `incoming mode ${mode} is neither 1 (mirror) nor 2 (steal)`);
    const mirrors = this.#mirrors.get(subscriber) ?? new Map<number, PortMirror>();
    this.#mirrors.set(subscriber, mirrors);
    if (mirrors.has(port)) return undefined;
    const copied = subscriber.mirrorEvents(port);
    const events = sampled(options.filter ? filteredMirror(copied, options.filter) : copied, mirrorPercent);
    mirrors.set(port, await PortMirror.start(this.#netnsPath, port, events));
    return undefined;
  }

  async unsubscribe(port: number, subscriber: IncomingSubscriber): Promise<void> {
    await this.#stealRoutes.unsubscribe(port, subscriber);
    const mirrors = this.#mirrors.get(subscriber);
    mirrors?.get(port)?.stop();
    mirrors?.delete(port);
  }

  async unsubscribeAll(subscriber: IncomingSubscriber): Promise<void> {
    for (const port of this.#stealRoutes.portsOf(subscriber)) await this.unsubscribe(port, subscriber);
    for (const mirror of this.#mirrors.get(subscriber)?.values() ?? []) mirror.stop();
    this.#mirrors.delete(subscriber);
  }

  /** Agent shutdown: every redirect and capture goes, the supervisor is released. */
  async close(): Promise<void> {
    for (const mirrors of this.#mirrors.values()) for (const mirror of mirrors.values()) mirror.stop();
    this.#mirrors.clear();
    this.#stealRoutes.close();
    await this.#steal.releaseAll();
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
