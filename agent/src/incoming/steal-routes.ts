// Who gets each connection stolen on a port of this agent: one whole-port subscriber, or — when the sessions
// subscribed with an HTTP filter (or with probe safety, which is a filter without a rule) — the HTTP router, which
// picks per request among the filtered subscribers (newest first) and otherwise passes the request on: to the
// listener of an earlier session's agent that shares the port (concurrent-steal.ts), or to the target's own app.
// Matching requests reach a session through the session gateway as ordinary incoming connections.
import type { CompiledHttpFilter } from "../../../shared/protocol/http-filter.ts";
import type { NetnsWorker } from "../netns/netns-worker.ts";
import { decideSteal, type ExistingSteal, refusal, stealsOfOtherAgents } from "./concurrent-steal.ts";
import type { Destination } from "./http/destination.ts";
import { HttpRouter } from "./http/http-router.ts";
import { SessionGateway } from "./http/session-gateway.ts";
import type { IncomingSubscriber } from "./incoming-ports.ts";
import type { PortSteal, StolenConnection } from "./port-steal.ts";

const CONNECT_TIMEOUT_MS = 10_000;

export interface StealRequest {
  subscriber: IncomingSubscriber;
  /** Undefined: the whole port, unparsed. */
  filter: CompiledHttpFilter | undefined;
  /** on_concurrent_steal as on the wire: 0 abort, 1 continue, 2 override. */
  concurrentSteal: number;
}

interface Entry {
  subscriber: IncomingSubscriber;
  filter: CompiledHttpFilter | undefined;
  destination: Destination;
}

interface PortState {
  /** Newest first: a later session's filter gets the first look at each request. */
  entries: Entry[];
  /** The steal listener of the session before ours on this port (another agent), while it is there. */
  passOnTo: number | undefined;
  router: HttpRouter | undefined;
}

/** Takes only what a rule matches, so the port can be shared. */
function isFiltered(filter: CompiledHttpFilter | undefined): boolean {
  return filter !== undefined && filter.wire.rule !== null;
}

export class StealRoutes {
  readonly #netnsPath: string;
  readonly #table: string;
  readonly #steal: PortSteal;
  readonly #worker: NetnsWorker;
  readonly #ports = new Map<number, PortState>();
  readonly #gateway = new SessionGateway();
  /** Every router made, also those of ports no longer stolen whose connections still run. */
  readonly #routers = new Set<HttpRouter>();
  #nextDestination = 1;

  constructor(netnsPath: string, table: string, steal: PortSteal, worker: NetnsWorker) {
    this.#netnsPath = netnsPath;
    this.#table = table;
    this.#steal = steal;
    this.#worker = worker;
  }

  /** Starts (or re-points) `request.subscriber`'s steal of `port`. Resolves with a warning when it goes without. */
  async subscribe(port: number, request: StealRequest): Promise<string | undefined> {
    const state = this.#ports.get(port);
    if (state) return this.#join(port, state, request);
    const others = await stealsOfOtherAgents(this.#netnsPath, this.#table, port);
    const decision = decideSteal(port, isFiltered(request.filter), request.concurrentSteal, others);
    if (decision.kind === "refuse") throw refusal(decision.reason);
    if (decision.kind === "skip") return decision.reason;
    const created: PortState = {
      entries: [this.#entry(port, request)],
      passOnTo: decision.passOnTo?.listenerPort,
      router: undefined,
    };
    this.#ports.set(port, created);
    try {
      await this.#steal.steal(port, { precedence: decision.precedence, filtered: isFiltered(request.filter) });
    } catch (error) {
      this.#ports.delete(port);
      throw error;
    }
    return undefined;
  }

  /** Ends `subscriber`'s steal of `port`; the redirect goes with the last subscriber. */
  async unsubscribe(port: number, subscriber: IncomingSubscriber): Promise<void> {
    const state = this.#ports.get(port);
    if (!state) return;
    state.entries = state.entries.filter((entry) => entry.subscriber !== subscriber);
    if (state.entries.length > 0) return;
    // Connections already taken keep running (PROTOCOL.md IN_UNSUBSCRIBE): their requests now go on to the target.
    this.#ports.delete(port);
    if (state.router && state.router.openConnections === 0) this.#routers.delete(state.router);
    await this.#steal.release(port);
  }

  portsOf(subscriber: IncomingSubscriber): number[] {
    return [...this.#ports].filter(([, s]) => s.entries.some((e) => e.subscriber === subscriber)).map(([port]) => port);
  }

  route(connection: StolenConnection): void {
    const state = this.#ports.get(connection.port);
    const whole = state?.entries.find((entry) => entry.filter === undefined);
    if (!state || state.entries.length === 0) connection.socket.destroy();
    else if (whole) whole.subscriber.stolen(connection);
    else {
      state.router ??= this.#routerFor(connection.port, state);
      void state.router.handle(connection);
    }
  }

  close(): void {
    for (const router of this.#routers) router.close();
    this.#routers.clear();
    this.#ports.clear();
    this.#gateway.close();
  }

  /** Another session of this agent subscribes a port we already steal: same rules as between agents. */
  #join(port: number, state: PortState, request: StealRequest): string | undefined {
    const own = state.entries.find((entry) => entry.subscriber === request.subscriber);
    if (own) {
      own.filter = request.filter;
      return undefined;
    }
    const existing: ExistingSteal[] = state.entries.map((entry) => ({
      holder: "another session of this agent",
      filtered: isFiltered(entry.filter),
      precedence: 0,
    }));
    const decision = decideSteal(port, isFiltered(request.filter), request.concurrentSteal, existing);
    if (decision.kind === "refuse") throw refusal(decision.reason);
    if (decision.kind === "skip") return decision.reason;
    // Override: the sessions before this one get nothing on this port any more.
    if (decision.passOnTo === undefined) state.entries = [];
    state.entries.unshift(this.#entry(port, request));
    return undefined;
  }

  #entry(port: number, request: StealRequest): Entry {
    const id = `session ${this.#nextDestination++}`;
    return {
      subscriber: request.subscriber,
      filter: request.filter,
      destination: {
        id,
        open: (client) =>
          this.#gateway.open({
            port,
            remote: client.remote,
            local: client.local,
            deliver: (connection) => request.subscriber.stolen(connection),
          }),
      },
    };
  }

  #routerFor(port: number, state: PortState): HttpRouter {
    const onward: Destination = {
      id: "the target",
      open: async (client) => {
        if (state.passOnTo !== undefined) {
          try {
            return (await this.#worker.connect("127.0.0.1", state.passOnTo, CONNECT_TIMEOUT_MS)).socket;
          } catch {
            // The earlier session ended and took its listener with it: from now on the app gets the rest.
            state.passOnTo = undefined;
          }
        }
        return (await this.#worker.connect(client.local.address, port, CONNECT_TIMEOUT_MS)).socket;
      },
    };
    const router = new HttpRouter({
      forRequest: (head) => state.entries.find((entry) => entry.filter?.matches(head))?.destination ?? onward,
      forOtherProtocol: () => state.entries.find((entry) => entry.filter?.wire.rule === null)?.destination ?? onward,
    });
    this.#routers.add(router);
    return router;
  }
}
