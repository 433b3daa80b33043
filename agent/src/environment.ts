// The target's environment, read from /proc/<pid>/environ and filtered by include/exclude wildcard patterns
// (`*` any run of characters, `?` one character; matched against the variable name, case-sensitive);
// exclude wins over include.
import { readFile } from "node:fs/promises";

export interface EnvFilter {
  /** When non-empty, only variables matching one of these are returned. */
  include?: readonly string[];
  /** Variables matching one of these are dropped (applied after include). */
  exclude?: readonly string[];
}

export interface TargetEnvironment {
  vars: Map<string, string>;
  /** Records that are not valid UTF-8 (the protocol carries text), shown as lossy text for a warning. */
  skipped: string[];
}

export async function readTargetEnvironment(pid: number, filter: EnvFilter = {}): Promise<TargetEnvironment> {
  const { vars, skipped } = parseEnviron(await readFile(`/proc/${pid}/environ`));
  return { vars: filterEnvironment(vars, filter), skipped };
}

const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

/** Splits environ's NUL-separated NAME=value records; records without "=" are skipped, like getenv would. */
export function parseEnviron(raw: Buffer): TargetEnvironment {
  const vars = new Map<string, string>();
  const skipped: string[] = [];
  let start = 0;
  while (start < raw.length) {
    let end = raw.indexOf(0, start);
    if (end === -1) end = raw.length;
    const bytes = raw.subarray(start, end);
    start = end + 1;
    let record: string;
    try {
      record = strictUtf8.decode(bytes);
    } catch {
      skipped.push(bytes.toString("utf8"));
      continue;
    }
    const eq = record.indexOf("=");
    if (eq > 0) vars.set(record.slice(0, eq), record.slice(eq + 1));
  }
  return { vars, skipped };
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
