// Rules that span several keys or need more than the schema can say. One row per rule; each returns the
// key paths it objects to, and the caller locates them in whichever source set the key.
import { type ConfigProblem, configProblem, DoppelError, type ProblemSite } from "../errors.ts";
import { parseTarget } from "../target/index.ts";
import type { KeyPath } from "./formats/index.ts";
import type { ResolvedConfig } from "./types.gen.ts";

export interface RuleContext {
  config: ResolvedConfig;
  /** In an IDE a missing target is chosen later, so rules about running targetless do not apply yet. */
  ide: boolean;
  /** Whether any source (file, environment, flags) set the key, as opposed to its default. */
  isSet(path: KeyPath): boolean;
}

export interface Violation {
  path: KeyPath;
  problem(site: ProblemSite): ConfigProblem;
}

export interface Rule {
  name: string;
  check(context: RuleContext): Violation[];
}

const INCOMING = ["feature", "network", "incoming"] as const;
const HTTP_FILTER = [...INCOMING, "http_filter"] as const;
const HTTP_FILTER_KINDS = ["header_filter", "path_filter", "all_of", "any_of"] as const;

function targetless({ config, ide }: RuleContext): boolean {
  return config.target.path === "targetless" || (config.target.path === null && !ide);
}

function exactlyOneOf(
  table: Record<string, unknown> | null,
  keys: readonly string[],
  path: KeyPath,
  what: string,
): Violation[] {
  if (table === null) return [];
  const set = keys.filter((key) => table[key] !== null && table[key] !== undefined);
  if (set.length === 1) return [];
  const detail =
    set.length === 0 ? `${what} must set one of ${keys.join(", ")}` : `${what} sets ${set.join(" and ")}; keep one`;
  return [
    {
      path: set.length === 0 ? path : [...path, set[1] as string],
      problem: (site) => configProblem.conflict(site, detail),
    },
  ];
}

export const RULES: readonly Rule[] = [
  {
    name: "target path follows the target grammar",
    check: ({ config }) => {
      const path = config.target.path;
      if (path === null) return [];
      try {
        parseTarget(path);
        return [];
      } catch (error) {
        if (!(error instanceof DoppelError)) throw error;
        const reason = `${error.message}; ${error.hint}`;
        return [{ path: ["target", "path"], problem: (site) => configProblem.invalidTarget(site, reason) }];
      }
    },
  },
  {
    name: "incoming ports and ignore_ports exclude each other",
    check: ({ config }) =>
      config.feature.network.incoming.ports !== null && config.feature.network.incoming.ignore_ports !== null
        ? [
            {
              path: [...INCOMING, "ignore_ports"],
              problem: (site) =>
                configProblem.conflict(
                  site,
                  "ports and ignore_ports cannot both be set: list the ports to use in ports, or the ports to skip in ignore_ports",
                ),
            },
          ]
        : [],
  },
  {
    name: "mirror_percent only applies to mirror mode",
    check: ({ config, isSet }) =>
      isSet([...INCOMING, "mirror_percent"]) && config.feature.network.incoming.mode !== "mirror"
        ? [
            {
              path: [...INCOMING, "mirror_percent"],
              problem: (site) =>
                configProblem.conflict(
                  site,
                  `mirror_percent applies to mode "mirror" only, but mode is "${config.feature.network.incoming.mode}"; remove it`,
                ),
            },
          ]
        : [],
  },
  {
    name: "an HTTP filter uses one kind of matching",
    check: ({ config }) => {
      const filter = config.feature.network.incoming.http_filter;
      const used = HTTP_FILTER_KINDS.filter((key) => filter[key] !== null);
      const second = used[1];
      if (second === undefined) return [];
      const detail = `http_filter sets ${used.join(" and ")}; use one of them (all_of/any_of combine several rules)`;
      return [{ path: [...HTTP_FILTER, second], problem: (site) => configProblem.conflict(site, detail) }];
    },
  },
  {
    name: "each all_of/any_of rule matches a header or a path",
    check: ({ config }) => {
      const filter = config.feature.network.incoming.http_filter;
      return (["all_of", "any_of"] as const).flatMap((list) =>
        (filter[list] ?? []).flatMap((rule, i) =>
          exactlyOneOf({ ...rule }, ["header", "path"], [...HTTP_FILTER, list, i], `${list}[${i}]`),
        ),
      );
    },
  },
  {
    name: "outgoing and DNS filters are either local or remote",
    check: ({ config }) => [
      ...exactlyOneOf(
        config.feature.network.outgoing.filter as Record<string, unknown> | null,
        ["local", "remote"],
        ["feature", "network", "outgoing", "filter"],
        "filter",
      ),
      ...exactlyOneOf(
        config.feature.network.dns.filter as Record<string, unknown> | null,
        ["local", "remote"],
        ["feature", "network", "dns", "filter"],
        "filter",
      ),
    ],
  },
  {
    name: "a target namespace needs a cluster target",
    check: (context) => {
      const { config } = context;
      if (config.target.namespace === null) return [];
      if (targetless(context)) {
        return [
          {
            path: ["target", "namespace"],
            problem: (site) =>
              configProblem.conflict(
                site,
                "target.namespace is set but there is no target; set target.path, or, to choose where a targetless agent runs, set agent.namespace instead",
              ),
          },
        ];
      }
      return config.target.path?.startsWith("pid/") === true
        ? [
            {
              path: ["target", "namespace"],
              problem: (site) =>
                configProblem.conflict(site, "target.namespace does not apply to a local pid/<N> target; remove it"),
            },
          ]
        : [];
    },
  },
  {
    name: "steal mode and ephemeral agents need a target",
    check: (context) => {
      if (!targetless(context)) return [];
      const violations: Violation[] = [];
      if (context.config.feature.network.incoming.mode === "steal") {
        violations.push({
          path: [...INCOMING, "mode"],
          problem: (site) =>
            configProblem.conflict(site, 'steal mode needs a target; set target.path or use mode "mirror" or "off"'),
        });
      }
      if (context.config.agent.ephemeral) {
        violations.push({
          path: ["agent", "ephemeral"],
          problem: (site) =>
            configProblem.conflict(
              site,
              "an ephemeral agent runs inside the target pod and needs a target; set target.path",
            ),
        });
      }
      return violations;
    },
  },
];
