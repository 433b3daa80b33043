// Builds the app's environment: the local environment, with the pod's variables merged in (the pod wins),
// filtered and adjusted by the `feature.env` rules, then the session's own variables on top.
import { readFileSync } from "node:fs";
import { parseEnv } from "node:util";

/** `feature.env` as far as the merge needs it. Lists may be arrays or `;`-separated strings. */
export interface EnvRules {
  include?: readonly string[] | string;
  exclude?: readonly string[] | string;
  override?: Readonly<Record<string, string>>;
  unset?: readonly string[] | string;
  /** Value rewrites: each key is a regular expression matched against values, its value the replacement (`$1`…). */
  mapping?: Readonly<Record<string, string>>;
  /** A dotenv file whose variables are applied like `override`. */
  envFile?: string;
}

/**
 * Variables that describe the developer's machine rather than the app. The pod's values would break the local
 * process (its PATH points at binaries that exist only in the image; its HOME is not ours), so they stay local
 * unless `include` names them explicitly.
 */
const machineVariables = new Set([
  "PATH",
  "HOME",
  "PWD",
  "OLDPWD",
  "SHLVL",
  "SHELL",
  "TERM",
  "USER",
  "LOGNAME",
  "TMPDIR",
  "_",
  "LD_PRELOAD",
  "LD_LIBRARY_PATH",
]);

function patternList(value: readonly string[] | string | undefined): string[] {
  if (value === undefined) return [];
  const items = typeof value === "string" ? value.split(";") : value;
  return items.map((item) => item.trim()).filter((item) => item.length > 0);
}

/** A name pattern with `*` (any run of characters) and `?` (one character) wildcards, matched against the whole name. */
export function wildcardPattern(pattern: string): RegExp {
  const source = pattern
    .replace(/[.+^${}()|[\]\\]/g, "\\$&")
    .replace(/\*/g, ".*")
    .replace(/\?/g, ".");
  return new RegExp(`^${source}$`);
}

function matcher(patterns: string[]): (name: string) => boolean {
  const regexes = patterns.map(wildcardPattern);
  return (name) => regexes.some((regex) => regex.test(name));
}

function valuePattern(pattern: string): RegExp {
  try {
    return new RegExp(pattern, "g");
  } catch (error) {
    throw new Error(
      `feature.env.mapping: "${pattern}" is not a valid regular expression (${(error as Error).message}). Fix the key.`,
    );
  }
}

/** The pod's variables that reach the app, after include/exclude and the machine-variable rule. */
export function selectRemoteEnv(remote: Readonly<Record<string, string>>, rules: EnvRules): Record<string, string> {
  const include = patternList(rules.include);
  const exclude = patternList(rules.exclude);
  if (include.length > 0 && exclude.length > 0) {
    throw new Error("feature.env: include and exclude cannot both be set. Keep one of them.");
  }
  const included = matcher(include);
  const excluded = matcher(exclude);
  const selected: Record<string, string> = {};
  for (const [name, value] of Object.entries(remote)) {
    if (include.length > 0 ? !included(name) : excluded(name) || machineVariables.has(name)) continue;
    selected[name] = value;
  }
  return selected;
}

export function buildAppEnv(
  local: NodeJS.ProcessEnv,
  remote: Readonly<Record<string, string>>,
  rules: EnvRules,
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(local)) if (value !== undefined) env[name] = value;
  Object.assign(env, rewriteValues(selectRemoteEnv(remote, rules), rules.mapping ?? {}));
  if (rules.envFile) Object.assign(env, readEnvFile(rules.envFile));
  Object.assign(env, rules.override ?? {});
  const unset = new Set(patternList(rules.unset).map((name) => name.toUpperCase()));
  for (const name of Object.keys(env)) if (unset.has(name.toUpperCase())) delete env[name];
  return env;
}

/** `mapping` rewrites the values imported from the pod, not the developer's own variables. */
function rewriteValues(
  vars: Record<string, string>,
  mapping: Readonly<Record<string, string>>,
): Record<string, string> {
  const rewrites = Object.entries(mapping).map(
    ([pattern, replacement]) => [valuePattern(pattern), replacement] as const,
  );
  for (const [name, value] of Object.entries(vars)) {
    vars[name] = rewrites.reduce((text, [regex, replacement]) => text.replace(regex, replacement), value);
  }
  return vars;
}

function readEnvFile(path: string): Record<string, string> {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new Error(
      `feature.env.env_file: cannot read ${path}: ${(error as Error).message}. Fix the path or remove the key.`,
    );
  }
  return parseEnv(text) as Record<string, string>;
}
