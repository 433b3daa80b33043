// The target's environment, read from /proc/<pid>/environ and filtered by include/exclude wildcard patterns
// (`*` any run of characters, `?` one character; matched against the variable name, case-sensitive).
import { readFile } from "node:fs/promises";

export interface EnvFilter {
  /** When non-empty, only variables matching one of these are returned. */
  include?: readonly string[];
  /** Variables matching one of these are dropped (applied after include). */
  exclude?: readonly string[];
}

export async function readTargetEnvironment(pid: number, filter: EnvFilter = {}): Promise<Map<string, string>> {
  const raw = await readFile(`/proc/${pid}/environ`);
  return filterEnvironment(parseEnviron(raw), filter);
}

/** Splits environ's NUL-separated NAME=value records; records without "=" are skipped, like getenv would. */
export function parseEnviron(raw: Buffer): Map<string, string> {
  const vars = new Map<string, string>();
  for (const record of raw.toString("utf8").split("\0")) {
    const eq = record.indexOf("=");
    if (eq <= 0) continue;
    vars.set(record.slice(0, eq), record.slice(eq + 1));
  }
  return vars;
}

export function filterEnvironment(vars: ReadonlyMap<string, string>, filter: EnvFilter): Map<string, string> {
  const include = (filter.include ?? []).map(wildcardToRegExp);
  const exclude = (filter.exclude ?? []).map(wildcardToRegExp);
  const kept = new Map<string, string>();
  for (const [name, value] of vars) {
    if (include.length > 0 && !include.some((re) => re.test(name))) continue;
    if (exclude.some((re) => re.test(name))) continue;
    kept.set(name, value);
  }
  return kept;
}

export function wildcardToRegExp(pattern: string): RegExp {
  const body = [...pattern]
    .map((ch) => (ch === "*" ? ".*" : ch === "?" ? "." : ch.replace(/[\\^$.|+()[\]{}]/g, "\\$&")))
    .join("");
  return new RegExp(`^${body}$`, "s");
}
