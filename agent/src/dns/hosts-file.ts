// Parses hosts(5): "address canonical-name aliases..." per line, "#" starts a comment. Names match
// case-insensitively; the first line naming an address is the one reverse lookups use.
import { isIP } from "node:net";

export interface HostsEntry {
  address: string;
  family: 4 | 6;
  names: string[];
}

export function parseHostsFile(text: string): HostsEntry[] {
  const entries: HostsEntry[] = [];
  for (const rawLine of text.split("\n")) {
    const [address, ...names] = rawLine.replace(/#.*$/, "").trim().split(/\s+/);
    if (!address || names.length === 0) continue;
    const family = isIP(address.split("%")[0] as string);
    if (family === 0) continue;
    entries.push({ address, family: family as 4 | 6, names });
  }
  return entries;
}

export function hostsLookup(entries: readonly HostsEntry[], name: string): HostsEntry[] {
  const wanted = name.toLowerCase().replace(/\.$/, "");
  return entries.filter((entry) => entry.names.some((n) => n.toLowerCase() === wanted));
}

export function hostsReverse(entries: readonly HostsEntry[], address: string): string | undefined {
  return entries.find((entry) => entry.address === address)?.names[0];
}
