// Which HTTP filter the proxy asks the agent to apply on a subscribed pod port (IN_SUBSCRIBE.http_filter):
// the configured rule on the ports of http_filter.ports, nothing elsewhere (whole-port steal or mirror). An
// unfiltered steal of an HTTP port still sends a filter without a rule when pass_probes is on, so the agent
// parses the traffic and lets the kubelet's probes through to the target.
import type { ResolvedHttpFilterConfig, ResolvedIncomingConfig } from "../config/types.gen.ts";
import { encodeHttpFilter, type HttpRule } from "../protocol/http-filter.ts";

export const DEFAULT_HTTP_PORTS: readonly number[] = [80, 8080];

function ruleOf(filter: ResolvedHttpFilterConfig): HttpRule | null {
  const nested = (rules: ReadonlyArray<{ header: string | null; path: string | null }>): HttpRule[] =>
    rules.map((rule) => (rule.header !== null ? { header: rule.header } : { path: rule.path ?? "" }));
  if (filter.header_filter !== null) return { header: filter.header_filter };
  if (filter.path_filter !== null) return { path: filter.path_filter };
  if (filter.all_of !== null) return { all_of: nested(filter.all_of) };
  if (filter.any_of !== null) return { any_of: nested(filter.any_of) };
  return null;
}

/** True when any of header_filter, path_filter, all_of, any_of is set. */
function hasHttpFilter(incoming: ResolvedIncomingConfig): boolean {
  return ruleOf(incoming.http_filter) !== null;
}

/** The http_filter text for IN_SUBSCRIBE of pod port `port`; "" means the whole port. */
export function httpFilterFor(incoming: ResolvedIncomingConfig, port: number): string {
  const ports = incoming.http_filter.ports ?? DEFAULT_HTTP_PORTS;
  if (!ports.includes(port)) return "";
  const rule = ruleOf(incoming.http_filter);
  if (rule !== null) return encodeHttpFilter({ rule, pass_probes: false });
  if (incoming.mode === "steal" && incoming.pass_probes) return encodeHttpFilter({ rule: null, pass_probes: true });
  return "";
}

/** What the CLI and the IDE tell the user before an unfiltered steal: it takes every request of the ports. */
export function unfilteredStealWarning(incoming: ResolvedIncomingConfig): string | undefined {
  if (incoming.mode !== "steal" || hasHttpFilter(incoming)) return undefined;
  const probes = incoming.pass_probes
    ? ` (the kubelet's probes on ports ${(incoming.http_filter.ports ?? DEFAULT_HTTP_PORTS).join(", ")} still reach it)`
    : "";
  return `steal without an HTTP filter takes all traffic of the ports your app listens on away from the target${probes}; set feature.network.incoming.http_filter to steal only your own requests`;
}
