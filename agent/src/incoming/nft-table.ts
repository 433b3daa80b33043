// The nftables table one session owns in the target's network namespace: `inet doppel_<session>`.
//
// Why nft and one table: a whole table is created, replaced and deleted atomically by one `nft -f` transaction,
// it cannot collide with rules anyone else owns (kube-proxy, CNI, the app's own iptables), and deleting it is the
// complete cleanup. The inet family covers IPv4 and IPv6 with one rule set.
//
// The table's comment names the owning agent (pid and process start time), so a later agent can sweep tables whose
// owner is dead. A supervisor process deletes the table if the agent dies without cleaning up (see supervisor.ts).
import { spawn } from "node:child_process";
import { WORKER_GID } from "../netns/netns-worker.ts";
import { isSameProcessAlive } from "../target-process.ts";

export const TABLE_PREFIX = "doppel_";
const OWNER_COMMENT = /^\s*comment "doppel agent pid=(\d+) start=(\d+)"/m;

export interface PortRedirect {
  port: number;
  toPort: number;
  /**
   * How many places ahead of the default NAT priority this redirect runs (0: dstnat / -100). A later session that
   * shares a port with earlier ones (filtered steals, on_concurrent_steal override) takes the next place, so the
   * kernel hands new connections to it first (see concurrent-steal.ts).
   */
  precedence?: number;
  /** Only requests an HTTP filter matches are kept; listed in the table's filtered_ports set for other agents. */
  filtered?: boolean;
}

export interface Owner {
  pid: number;
  startTime: string;
}

/** Runs nft inside the network namespace of `netnsPath`. */
export function runNft(netnsPath: string, args: readonly string[], input?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn("nsenter", [`--net=${netnsPath}`, "--", "nft", ...args], {
      stdio: [input === undefined ? "ignore" : "pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
    });
    child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
    });
    child.on("error", (error) =>
      reject(
        new Error(
          `could not run nft in the network namespace ${netnsPath}: ${error.message}. Install nftables in the agent image.`,
        ),
      ),
    );
    child.on("close", (code) => {
      if (code === 0) resolve(stdout);
      else
        reject(
          new Error(
            `nft ${args.join(" ")} failed in the network namespace ${netnsPath} (exit ${code}): ${stderr.trim()}`,
          ),
        );
    });
    // A broken pipe on stdin shows up as nft's own exit status; it is not an error of its own.
    child.stdin?.on("error", () => undefined);
    child.stdin?.end(input);
  });
}

export function tableName(session: string): string {
  return `${TABLE_PREFIX}${session}`;
}

/** The chain names of one precedence: `prerouting`/`output` at the default priority, suffixed `_<n>` ahead of it. */
function chainSuffix(precedence: number): string {
  return precedence === 0 ? "" : `_${precedence}`;
}

/** The ports stolen with an HTTP filter, as a set other agents read (concurrent-steal.ts); no set when none. */
function filteredPortsSet(redirects: readonly PortRedirect[]): string[] {
  const ports = redirects.filter((r) => r.filtered).map((r) => r.port);
  if (ports.length === 0) return [];
  return ["  set filtered_ports {", "    type inet_service", `    elements = { ${ports.join(", ")} }`, "  }"];
}

/**
 * Only a connection's opening SYN is redirected. Conntrack starts tracking a namespace's connections when the first
 * NAT table appears there, and it picks up connections that were already established as new ones; without this
 * match their next packet would be redirected to the steal listener, which answers with a reset. Such connections
 * stay with the original app instead.
 */
const openingSyn = "tcp flags & (syn | ack) == syn";

/** The complete table for the given redirects, as one nft script that replaces any previous version atomically. */
export function tableScript(name: string, owner: Owner, redirects: readonly PortRedirect[]): string {
  const precedences = [...new Set(redirects.map((r) => r.precedence ?? 0))].sort((a, b) => a - b);
  if (precedences.length === 0) precedences.push(0);
  const chains = precedences.flatMap((precedence) => {
    const here = redirects.filter((r) => (r.precedence ?? 0) === precedence);
    const suffix = chainSuffix(precedence);
    return [
      `  chain prerouting${suffix} {`,
      `    type nat hook prerouting priority ${-100 - precedence}; policy accept;`,
      ...here.map((r) => `    ${openingSyn} tcp dport ${r.port} redirect to :${r.toPort}`),
      "  }",
      // Connections from inside the pod to one of its own addresses (localhost, the pod IP) take the output hook;
      // the agent's own (made by the network worker) are left alone.
      `  chain output${suffix} {`,
      `    type nat hook output priority ${-100 - precedence}; policy accept;`,
      ...here.map(
        (r) =>
          `    meta skgid != ${WORKER_GID} fib daddr type local ${openingSyn} tcp dport ${r.port} redirect to :${r.toPort}`,
      ),
      "  }",
    ];
  });
  return [
    `table inet ${name} {}`,
    `delete table inet ${name}`,
    `table inet ${name} {`,
    `  comment "doppel agent pid=${owner.pid} start=${owner.startTime}"`,
    ...filteredPortsSet(redirects),
    ...chains,
    "}",
    "",
  ].join("\n");
}

export async function listDoppelTables(netnsPath: string): Promise<string[]> {
  const listing = JSON.parse(await runNft(netnsPath, ["-j", "list", "tables", "inet"])) as {
    nftables: Array<{ table?: { name: string } }>;
  };
  return listing.nftables.flatMap((item) => (item.table?.name.startsWith(TABLE_PREFIX) ? [item.table.name] : []));
}

export async function tableOwner(netnsPath: string, name: string): Promise<Owner | undefined> {
  // nft's JSON output (1.0.x) leaves table comments out, the text listing keeps them.
  const match = OWNER_COMMENT.exec(await runNft(netnsPath, ["list", "table", "inet", name]));
  return match ? { pid: Number(match[1]), startTime: match[2] as string } : undefined;
}

/** Deletes every doppel_* table whose owning agent is no longer running; returns the names it removed. */
export async function sweepStaleTables(netnsPath: string): Promise<string[]> {
  const removed: string[] = [];
  for (const name of await listDoppelTables(netnsPath)) {
    const owner = await tableOwner(netnsPath, name);
    if (owner && isSameProcessAlive(owner.pid, owner.startTime)) continue;
    await runNft(netnsPath, ["delete", "table", "inet", name]);
    removed.push(name);
  }
  return removed;
}

/** Ports that other live doppel sessions redirect in this namespace, each with the owning table and agent pid. */
export async function portsStolenByOthers(netnsPath: string, ownTable: string): Promise<Map<number, string>> {
  const stolen = new Map<number, string>();
  for (const name of await listDoppelTables(netnsPath)) {
    if (name === ownTable) continue;
    const listing = await runNft(netnsPath, ["list", "table", "inet", name]);
    const owner = OWNER_COMMENT.exec(listing);
    if (!owner || !isSameProcessAlive(Number(owner[1]), owner[2] as string)) continue;
    for (const match of listing.matchAll(/tcp dport (\d+) redirect/g)) {
      stolen.set(Number(match[1]), `table ${name}, agent pid ${owner[1]}`);
    }
  }
  return stolen;
}
