// loadConfig: file, environment and command-line overrides → one validated, resolved configuration.
// Precedence: overrides > environment > file > schema defaults. Every problem is collected and located.
import { readFileSync } from "node:fs";
import { ConfigError, type ConfigProblem, configProblem, type ProblemSite } from "../errors.ts";
import { formatTarget, parseTarget } from "../target/index.ts";
import { envSettings } from "./env.ts";
import { formatKeyPath, type KeyPath, type ParsedConfig, parseConfigText } from "./formats/index.ts";
import { expandShorthands, fillDefaults, hasPath, mergeLayers, tableAt } from "./normalize.ts";
import { RULES } from "./rules.ts";
import { plannedKeysIn } from "./support.ts";
import type { ResolvedConfig } from "./types.gen.ts";
import { type SiteOf, validateLayer } from "./validate.ts";

type DeepPartial<T> = T extends readonly unknown[] ? T : T extends object ? { [K in keyof T]?: DeepPartial<T[K]> } : T;

/** Values from command-line flags, in the resolved form; undefined or null means "not given". */
export type ConfigOverrides = DeepPartial<ResolvedConfig>;

export interface LoadOptions {
  path: string | null;
  env: NodeJS.ProcessEnv;
  overrides?: ConfigOverrides;
  /** Called from an IDE: a missing target is picked later, so it is not an error. */
  ide?: boolean;
}

export interface LoadedConfig {
  config: ResolvedConfig;
  warnings: string[];
}

/** One source of settings, already expanded to the full form, and how to say where one of its keys is set. */
interface Layer {
  value: unknown;
  siteOf: SiteOf;
  /** How a warning names the place a key is set. */
  describe(path: KeyPath): string;
  /** For sources without lines (environment, flags): the name added to problem messages. */
  source: string | null;
}

function fileSites(file: string, parsed: ParsedConfig): Omit<Layer, "value"> {
  // A key may not be written as such (a shorthand, a default): point at the nearest enclosing key that is.
  const siteOf: SiteOf = (path, part) => {
    for (let length = path.length; length >= 0; length--) {
      const position = parsed.locate(path.slice(0, length), length === path.length ? part : "value");
      if (position !== undefined) return { file, ...position, key: formatKeyPath(path) };
    }
    return { file, line: 1, column: 1, key: formatKeyPath(path) };
  };
  return {
    siteOf,
    source: null,
    describe: (path) => {
      const site = siteOf(path, "key");
      return `${file}:${site.line}:${site.column}`;
    },
  };
}

/** Sources outside a file have no line; the message names the source instead. */
function unlocated(source: string): Omit<Layer, "value"> {
  return {
    source,
    siteOf: (path) => ({ file: null, line: null, column: null, key: formatKeyPath(path) }),
    describe: () => source,
  };
}

function fromSource(problem: ConfigProblem, source: string): ConfigProblem {
  return { ...problem, message: `${problem.message} (set by ${source})` };
}

function readConfigFile(file: string): string {
  try {
    // Editors on some platforms save a byte-order mark, which no parser expects.
    return readFileSync(file, "utf8").replace(/^\uFEFF/, "");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw new ConfigError([configProblem.fileNotFound(file)]);
    const reason = code === "EISDIR" ? "it is a directory" : (error as Error).message;
    throw new ConfigError([configProblem.fileUnreadable(file, reason)]);
  }
}

function withoutUnset(value: unknown): unknown {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return value;
  const entries = Object.entries(value)
    .filter(([, v]) => v !== undefined && v !== null)
    .map(([k, v]) => [k, withoutUnset(v)] as const);
  return Object.fromEntries(entries);
}

/** Reads, validates and resolves a configuration. Throws ConfigError listing every problem, each located. */
export function loadConfig(options: LoadOptions): LoadedConfig {
  const problems: ConfigProblem[] = [];
  const layers: Layer[] = [];

  if (options.path !== null) {
    const parsed = parseConfigText(readConfigFile(options.path), options.path);
    const sites = fileSites(options.path, parsed);
    problems.push(...validateLayer(parsed.value, sites.siteOf));
    layers.push({ value: expandShorthands(parsed.value), ...sites });
  }
  for (const setting of envSettings(options.env)) {
    const raw = tableAt(setting.path, setting.value);
    const sites = unlocated(setting.variable);
    problems.push(...validateLayer(raw, sites.siteOf).map((p) => fromSource(p, setting.variable)));
    layers.push({ value: expandShorthands(raw), ...sites });
  }
  if (options.overrides !== undefined) {
    const raw = withoutUnset(options.overrides);
    const sites = unlocated("a command-line flag");
    problems.push(...validateLayer(raw, sites.siteOf).map((p) => fromSource(p, "a command-line flag")));
    layers.push({ value: raw, ...sites });
  }
  if (problems.length > 0) throw new ConfigError(problems);

  const config = fillDefaults(
    layers.reduce<unknown>((merged, layer) => mergeLayers(merged, layer.value), {}),
  ) as ResolvedConfig;
  // The highest-precedence source that sets a key (or the nearest enclosing key) is where it is reported.
  const layerOf = (path: KeyPath): Layer | undefined => {
    for (let length = path.length; length > 0; length--) {
      const found = layers.findLast((layer) => hasPath(layer.value, path.slice(0, length)));
      if (found !== undefined) return found;
    }
    return undefined;
  };
  const context = {
    config,
    ide: options.ide ?? false,
    isSet: (path: KeyPath) => layers.some((layer) => hasPath(layer.value, path)),
  };
  for (const rule of RULES) {
    for (const violation of rule.check(context)) {
      const layer = layerOf(violation.path);
      const site: ProblemSite = layer?.siteOf(violation.path, "value") ?? {
        file: null,
        line: null,
        column: null,
        key: formatKeyPath(violation.path),
      };
      const problem = violation.problem(site);
      problems.push(layer?.source ? fromSource(problem, layer.source) : problem);
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  // The rules accepted the path, so it parses; store it in canonical form (`deploy/x` → `deployment/x`).
  if (config.target.path !== null) config.target.path = formatTarget(parseTarget(config.target.path));

  const warned = new Set<string>();
  const warnings: string[] = [];
  for (const layer of [...layers].reverse()) {
    for (const path of plannedKeysIn(layer.value)) {
      const key = formatKeyPath(path);
      if (warned.has(key)) continue;
      warned.add(key);
      warnings.push(`${layer.describe(path)}: ${key} is not supported yet; it is ignored`);
    }
  }
  return { config, warnings };
}
