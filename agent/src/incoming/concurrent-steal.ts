// Several sessions on one target and port. Each doppel session has its own agent and its own nft table, so the
// sessions meet in the kernel: every steal of a port is a redirect rule, and the rule of the session that came
// last runs first (a higher precedence, see nft-table.ts). Filtered steals chain: the newest session's agent
// takes each new connection, keeps the requests its filter matches and passes the rest to the listener of the
// session before it (read from that session's table), down to the target's own app. A steal that takes
// everything (no filter) cannot share: it follows on_concurrent_steal — abort (refuse, naming the other session),
// continue (this session goes on without the port) or override (it goes first and passes nothing on).
import { ErrnoError } from "../errno.ts";
import { isSameProcessAlive } from "../target-process.ts";
import { listDoppelTables, runNft } from "./nft-table.ts";

export const ConcurrentSteal = { abort: 0, continue: 1, override: 2 } as const;

/** A steal of the port by someone else: another agent's table, or another session of this agent. */
export interface ExistingSteal {
  /** Names the other session in messages: `table doppel_x (agent pid 123)`. */
  holder: string;
  /** Takes only the requests a filter matches (so it can share the port). */
  filtered: boolean;
  precedence: number;
  /** Where that session's steal listener takes connections (another agent's only). */
  listenerPort?: number;
}

export type StealDecision =
  | { kind: "steal"; precedence: number; passOnTo: ExistingSteal | undefined }
  | { kind: "skip"; reason: string }
  | { kind: "refuse"; reason: string };

export function decideSteal(
  port: number,
  filtered: boolean,
  policy: number,
  existing: readonly ExistingSteal[],
): StealDecision {
  if (existing.length === 0) return { kind: "steal", precedence: 0, passOnTo: undefined };
  const first = existing.reduce((a, b) => (b.precedence > a.precedence ? b : a));
  const precedence = first.precedence + 1;
  if (filtered && existing.every((steal) => steal.filtered)) return { kind: "steal", precedence, passOnTo: first };
  const holders = existing.map((steal) => `${steal.holder}${steal.filtered ? " with an HTTP filter" : ""}`).join(", ");
  const what = filtered ? "an HTTP filter cannot share it with a steal of the whole port" : "stealing the whole port";
  switch (policy) {
    case ConcurrentSteal.continue:
      return {
        kind: "skip",
        reason: `port ${port} is already stolen by ${holders}; continuing without it (on_concurrent_steal = "continue")`,
      };
    case ConcurrentSteal.override:
      return { kind: "steal", precedence, passOnTo: undefined };
    default:
      return {
        kind: "refuse",
        reason: `port ${port} is already stolen by ${holders} (${what}). End that session, add an http_filter to both, or set feature.network.incoming.on_concurrent_steal to "continue" or "override"`,
      };
  }
}

export function refusal(reason: string): ErrnoError {
  return new ErrnoError("EADDRINUSE", reason);
}

const OWNER = /comment "doppel agent pid=(\d+) start=(\d+)"/;
const CHAIN = /^\s*chain (\w+?)(?:_(\d+))? \{/;
const REDIRECT = /tcp dport (\d+) redirect to :(\d+)/;
/** A table marks its filtered ports in a chain-less set, so other agents can tell filtered from whole steals. */
const FILTERED_SET = /set filtered_ports \{[^}]*elements = \{ ([\d, ]+) \}/s;

/** The steals of `port` in other live agents' tables of this network namespace. */
export async function stealsOfOtherAgents(netnsPath: string, ownTable: string, port: number): Promise<ExistingSteal[]> {
  const found: ExistingSteal[] = [];
  for (const name of await listDoppelTables(netnsPath)) {
    if (name === ownTable) continue;
    const listing = await runNft(netnsPath, ["list", "table", "inet", name]).catch(() => "");
    const owner = OWNER.exec(listing);
    if (!owner || !isSameProcessAlive(Number(owner[1]), owner[2] as string)) continue;
    const filteredPorts = new Set((FILTERED_SET.exec(listing)?.[1] ?? "").split(/[ ,]+/).filter(Boolean).map(Number));
    let precedence = 0;
    for (const line of listing.split("\n")) {
      const chain = CHAIN.exec(line);
      if (chain) precedence = Number(chain[2] ?? 0);
      const redirect = REDIRECT.exec(line);
      if (!redirect || Number(redirect[1]) !== port) continue;
      found.push({
        holder: `table ${name} (agent pid ${owner[1]})`,
        filtered: filteredPorts.has(port),
        precedence,
        listenerPort: Number(redirect[2]),
      });
      break;
    }
  }
  return found;
}
