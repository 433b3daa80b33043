// Where the traffic of a stolen HTTP connection can go: a subscribed session (its local app) or the target's own
// app. Each opens a fresh connection that carries one client connection's requests for that destination.
import type net from "node:net";
import type { RequestHead } from "../../../../shared/protocol/http-filter.ts";
import type { StolenConnection } from "../port-steal.ts";

export interface Destination {
  /** Stable for the life of the destination: upstream connections are reused per client connection and id. */
  readonly id: string;
  open(client: StolenConnection): Promise<net.Socket>;
}

export interface HttpRoutes {
  /** The destination of one request (or of an upgrade, which then keeps the whole connection). */
  forRequest(head: RequestHead): Destination;
  /** The destination of a connection that does not speak HTTP. */
  forOtherProtocol(): Destination;
}

/** HTTP/1 raw headers (name, value, name, value, …) as pairs. */
export function headerPairs(raw: readonly string[]): [string, string][] {
  const pairs: [string, string][] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) pairs.push([raw[i] as string, raw[i + 1] as string]);
  return pairs;
}
