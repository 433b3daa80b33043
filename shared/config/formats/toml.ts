// TOML: values from smol-toml; key positions from toml-eslint-parser's syntax tree.
import { parse, TomlError } from "smol-toml";
import { parseTOML } from "toml-eslint-parser";
import { ConfigError, configProblem } from "../../errors.ts";
import type { KeyPath, ParsedConfig, Position } from "./types.ts";

type Ast = ReturnType<typeof parseTOML>;
type TopLevel = Ast["body"][number];
type TableOrKeyValue = TopLevel["body"][number];
type KeyValue = Extract<TableOrKeyValue, { type: "TOMLKeyValue" }>;
type Value = KeyValue["value"];
type Loc = { start: { line: number; column: number } };

interface Site {
  key: Position;
  value: Position;
}

function position(loc: Loc): Position {
  // toml-eslint-parser columns are 0-based.
  return { line: loc.start.line, column: loc.start.column + 1 };
}

/** Every key path written in the document, with where its key and its value start. */
function indexSites(ast: Ast): Map<string, Site> {
  const sites = new Map<string, Site>();
  const record = (path: KeyPath, site: Site) => {
    const id = JSON.stringify(path);
    if (!sites.has(id)) sites.set(id, site);
  };
  const visitValue = (value: Value, path: KeyPath): void => {
    if (value.type === "TOMLInlineTable") visitBody(value.body, path);
    else if (value.type === "TOMLArray") {
      for (const [i, element] of value.elements.entries()) {
        const at = position(element.loc);
        record([...path, i], { key: at, value: at });
        visitValue(element, [...path, i]);
      }
    }
  };
  const visitBody = (body: readonly KeyValue[], base: KeyPath): void => {
    for (const keyValue of body) {
      const names = keyValue.key.keys.map((k) => (k.type === "TOMLBare" ? k.name : k.value));
      // A dotted key `a.b = 1` also defines `a`.
      for (const [i, part] of keyValue.key.keys.entries()) {
        const at = position(part.loc);
        const path = [...base, ...names.slice(0, i + 1)];
        record(
          path,
          i === names.length - 1 ? { key: at, value: position(keyValue.value.loc) } : { key: at, value: at },
        );
      }
      visitValue(keyValue.value, [...base, ...names]);
    }
  };
  for (const top of ast.body) {
    for (const item of top.body) {
      if (item.type === "TOMLKeyValue") {
        visitBody([item], []);
        continue;
      }
      // `[a.b]` and `[[a.b]]` (whose resolved key ends with the array index) define every prefix of their key.
      for (let i = 1; i <= item.resolvedKey.length; i++) {
        const part = item.key.keys[Math.min(i, item.key.keys.length) - 1] ?? item.key;
        const at = position(part.loc);
        record(item.resolvedKey.slice(0, i), { key: at, value: at });
      }
      visitBody(item.body, item.resolvedKey);
    }
  }
  return sites;
}

export function parseToml(text: string, file: string): ParsedConfig {
  let value: unknown;
  try {
    value = parse(text);
  } catch (error) {
    if (!(error instanceof TomlError)) throw error;
    const detail = (error.message.split("\n")[0] ?? "").replace(/^Invalid TOML document:\s*/, "");
    throw new ConfigError([
      configProblem.syntax({ file, line: error.line, column: error.column, key: "" }, "TOML", detail),
    ]);
  }
  const sites = indexSites(parseTOML(text));
  return {
    value,
    locate(path, part = "value") {
      const site = sites.get(JSON.stringify(path));
      return site === undefined ? undefined : site[part];
    },
  };
}
