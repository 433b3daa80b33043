// The HTTP filter of a subscription (IN_SUBSCRIBE.http_filter, PROTOCOL.md §10): its JSON form on the wire, and
// its compiled form the agent matches requests with. One file so both ends agree on what a rule means:
// - header: a JavaScript RegExp, case-insensitive, tested against every header line written `Name: value`;
//   a request matches when any line does. HTTP/2's `:authority` counts as a `Host` line, other pseudo-headers
//   are not headers.
// - path: a JavaScript RegExp tested against the path alone, then against path and query (`/a?b=1`).
// - all_of / any_of: every / at least one of the nested rules.
// - no rule: every request matches (an unfiltered steal that still parses HTTP to let probes through).
// `pass_probes`: requests whose User-Agent starts with `kube-probe` never match, whatever the rule says.

export type HttpRule = { header: string } | { path: string } | { all_of: HttpRule[] } | { any_of: HttpRule[] };

export interface HttpFilterWire {
  rule: HttpRule | null;
  pass_probes: boolean;
}

/** What a rule looks at: enough of a request head to decide before any body byte is read. */
export interface RequestHead {
  /** The request target as sent: path and query (`/users?id=1`). */
  url: string;
  /** Header lines in order as name/value pairs (HTTP/2 pseudo-headers already dropped or renamed). */
  headers: ReadonlyArray<readonly [string, string]>;
}

export class HttpFilterError extends Error {
  override name = "HttpFilterError";
}

type Matcher = (head: RequestHead) => boolean;

export interface CompiledHttpFilter {
  readonly wire: HttpFilterWire;
  /** True when the request goes to the subscriber (the local app), false when it stays with the target. */
  matches(head: RequestHead): boolean;
}

const PROBE_AGENT = /^kube-probe/i;

export function isProbe(head: RequestHead): boolean {
  return head.headers.some(([name, value]) => name.toLowerCase() === "user-agent" && PROBE_AGENT.test(value));
}

function regex(pattern: unknown, flags: string, where: string): RegExp {
  if (typeof pattern !== "string") throw new HttpFilterError(`${where} must be a string, not ${typeof pattern}`);
  try {
    return new RegExp(pattern, flags);
  } catch (error) {
    throw new HttpFilterError(`${where}: ${(error as Error).message}`);
  }
}

function pathOf(url: string): string {
  const query = url.indexOf("?");
  return query === -1 ? url : url.slice(0, query);
}

function compileRule(rule: unknown, where: string): Matcher {
  if (typeof rule !== "object" || rule === null || Array.isArray(rule))
    throw new HttpFilterError(`${where} must be an object with one of header, path, all_of, any_of`);
  const keys = Object.keys(rule);
  if (keys.length !== 1)
    throw new HttpFilterError(
      `${where} must have exactly one of header, path, all_of, any_of (has ${keys.join(", ") || "none"})`,
    );
  const record = rule as Record<string, unknown>;
  if ("header" in record) {
    const header = regex(record.header, "i", `${where}.header`);
    return (head) => head.headers.some(([name, value]) => header.test(`${name}: ${value}`));
  }
  if ("path" in record) {
    const path = regex(record.path, "", `${where}.path`);
    return (head) => path.test(pathOf(head.url)) || path.test(head.url);
  }
  const list = "all_of" in record ? "all_of" : "any_of" in record ? "any_of" : undefined;
  if (list === undefined) throw new HttpFilterError(`${where} has unknown key ${keys[0]}`);
  const items = record[list];
  if (!Array.isArray(items) || items.length === 0)
    throw new HttpFilterError(`${where}.${list} must be a non-empty list of rules`);
  const matchers = items.map((item, i) => compileRule(item, `${where}.${list}[${i}]`));
  return list === "all_of"
    ? (head) => matchers.every((matcher) => matcher(head))
    : (head) => matchers.some((matcher) => matcher(head));
}

/** Parses and compiles IN_SUBSCRIBE's http_filter text; errors name the rule (`http_filter.any_of[1].header`). */
export function compileHttpFilter(text: string): CompiledHttpFilter {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new HttpFilterError(`http_filter is not JSON: ${(error as Error).message}`);
  }
  const wire = parsed as Partial<HttpFilterWire> | null;
  if (typeof wire !== "object" || wire === null || typeof wire.pass_probes !== "boolean" || !("rule" in wire))
    throw new HttpFilterError('http_filter must be {"rule": <rule or null>, "pass_probes": <boolean>}');
  const rule = wire.rule === null ? () => true : compileRule(wire.rule, "http_filter.rule");
  const passProbes = wire.pass_probes;
  return {
    wire: { rule: wire.rule ?? null, pass_probes: passProbes },
    matches: (head) => !(passProbes && isProbe(head)) && rule(head),
  };
}

export function encodeHttpFilter(wire: HttpFilterWire): string {
  return JSON.stringify(wire);
}
