// Parses resolv.conf(5) the way glibc reads it: nameserver (up to 3), search/domain (the last one wins),
// options ndots/timeout/attempts. Unknown lines and options are ignored, like the C library does.
import { isIP } from "node:net";

export interface ResolvConf {
  nameservers: string[];
  search: string[];
  ndots: number;
  timeoutSeconds: number;
  attempts: number;
}

const MAX_NAMESERVERS = 3;

export function parseResolvConf(text: string): ResolvConf {
  const conf: ResolvConf = { nameservers: [], search: [], ndots: 1, timeoutSeconds: 5, attempts: 2 };
  for (const rawLine of text.split("\n")) {
    const [keyword, ...args] = rawLine
      .replace(/[#;].*$/, "")
      .trim()
      .split(/\s+/);
    if (keyword === "nameserver" && args[0] && conf.nameservers.length < MAX_NAMESERVERS) {
      // An IPv6 link-local server may carry a %scope suffix; c-ares only takes the bare address.
      const address = args[0].split("%")[0] as string;
      if (isIP(address)) conf.nameservers.push(address);
    } else if (keyword === "search") {
      conf.search = args.filter((domain) => domain.length > 0);
    } else if (keyword === "domain" && args[0]) {
      conf.search = [args[0]];
    } else if (keyword === "options") {
      for (const option of args) applyOption(conf, option);
    }
  }
  if (conf.nameservers.length === 0) conf.nameservers.push("127.0.0.1");
  return conf;
}

function applyOption(conf: ResolvConf, option: string): void {
  const [name, value] = option.split(":");
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) return;
  if (name === "ndots") conf.ndots = Math.min(n, 15);
  else if (name === "timeout") conf.timeoutSeconds = Math.min(Math.max(n, 1), 30);
  else if (name === "attempts") conf.attempts = Math.min(Math.max(n, 1), 5);
}

/** The names to try for `name`, in order: ndots decides whether the name as given comes before or after search. */
export function searchCandidates(name: string, conf: Pick<ResolvConf, "search" | "ndots">): string[] {
  if (name.endsWith(".")) return [name.slice(0, -1)];
  const dots = name.split(".").length - 1;
  const expanded = conf.search.map((domain) => `${name}.${domain.replace(/\.$/, "")}`);
  return dots >= conf.ndots ? [name, ...expanded] : [...expanded, name];
}
