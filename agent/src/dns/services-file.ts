// Parses services(5): "name port/protocol aliases...", "#" starts a comment.

export interface ServiceEntry {
  names: string[];
  port: number;
  protocol: string;
}

export function parseServicesFile(text: string): ServiceEntry[] {
  const entries: ServiceEntry[] = [];
  for (const rawLine of text.split("\n")) {
    const [name, portProtocol, ...aliases] = rawLine.replace(/#.*$/, "").trim().split(/\s+/);
    const match = /^(\d+)\/(\w+)$/.exec(portProtocol ?? "");
    if (!name || !match) continue;
    entries.push({ names: [name, ...aliases], port: Number(match[1]), protocol: match[2] as string });
  }
  return entries;
}

export function servicePort(entries: readonly ServiceEntry[], name: string, protocol: string): number | undefined {
  return entries.find((e) => e.protocol === protocol && e.names.includes(name))?.port;
}

export function serviceName(entries: readonly ServiceEntry[], port: number, protocol: string): string | undefined {
  return entries.find((e) => e.protocol === protocol && e.port === port)?.names[0];
}
