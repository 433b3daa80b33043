// Picks the format by file extension and returns the parsed top-level table with its locator.
import { extname } from "node:path";
import { ConfigError, configProblem } from "../../errors.ts";
import { parseJson } from "./json.ts";
import { parseToml } from "./toml.ts";
import type { ParsedConfig } from "./types.ts";
import { parseYaml } from "./yaml.ts";

export type { KeyPath, ParsedConfig, Position, PositionPart } from "./types.ts";
export { formatKeyPath } from "./types.ts";

const PARSERS: Record<string, (text: string, file: string) => ParsedConfig> = {
  ".json": parseJson,
  ".toml": parseToml,
  ".yml": parseYaml,
  ".yaml": parseYaml,
};

export const CONFIG_EXTENSIONS = Object.keys(PARSERS).map((ext) => ext.slice(1));

export function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (value instanceof Date) return "a date";
  switch (typeof value) {
    case "string":
      return `string ${JSON.stringify(value)}`;
    case "number":
      return Number.isInteger(value) ? `integer ${value}` : `number ${value}`;
    case "boolean":
      return `boolean ${value}`;
    case "object":
      return "a table";
    default:
      return typeof value;
  }
}

/** Rebuilds parser output as plain objects (jsonc-parser and smol-toml return null-prototype objects).
 * Object.fromEntries defines a `__proto__` key as an own property instead of setting the prototype. */
function toPlain(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(toPlain);
  if (value !== null && typeof value === "object" && !(value instanceof Date)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toPlain(v)]));
  }
  return value;
}

/** Parses `text` as the format `file`'s extension names. An empty document is an empty table. */
export function parseConfigText(text: string, file: string): ParsedConfig {
  const parser = PARSERS[extname(file).toLowerCase()];
  if (parser === undefined) throw new ConfigError([configProblem.unknownFormat(file)]);
  const parsed = parser(text, file);
  if (parsed.value === undefined || parsed.value === null) return { value: {}, locate: parsed.locate };
  if (typeof parsed.value !== "object" || Array.isArray(parsed.value)) {
    const site = { file, ...(parsed.locate([]) ?? { line: 1, column: 1 }), key: "" };
    throw new ConfigError([configProblem.notAnObject(site, describeValue(parsed.value))]);
  }
  return { value: toPlain(parsed.value), locate: parsed.locate };
}
