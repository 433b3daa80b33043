// YAML (the yaml package): one document; a key set twice is an error.
import { isMap, isScalar, isSeq, LineCounter, type Node, type Pair, parseDocument } from "yaml";
import { ConfigError, type ConfigProblem, configProblem } from "../../errors.ts";
import { formatKeyPath, type KeyPath, type ParsedConfig, type Position } from "./types.ts";

function keyName(pair: Pair): string | number | undefined {
  const key = pair.key;
  if (isScalar(key) && (typeof key.value === "string" || typeof key.value === "number")) return key.value;
  return undefined;
}

/** The key path whose key starts at `offset` (used to name the key of a duplicate-key error). */
function pathOfKeyAt(node: unknown, offset: number, path: (string | number)[] = []): KeyPath | undefined {
  if (isMap(node)) {
    for (const pair of node.items) {
      const name = keyName(pair);
      if (name === undefined) continue;
      const key = pair.key as Node;
      if (key.range?.[0] === offset) return [...path, String(name)];
      const inner = pathOfKeyAt(pair.value, offset, [...path, String(name)]);
      if (inner !== undefined) return inner;
    }
  } else if (isSeq(node)) {
    for (const [i, item] of node.items.entries()) {
      const inner = pathOfKeyAt(item, offset, [...path, i]);
      if (inner !== undefined) return inner;
    }
  }
  return undefined;
}

export function parseYaml(text: string, file: string): ParsedConfig {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: false });
  const at = (offset: number): Position => {
    const { line, col } = lines.linePos(offset);
    return { line, column: col };
  };
  if (doc.errors.length > 0) {
    throw new ConfigError(
      doc.errors.map((error): ConfigProblem => {
        const site = { file, ...at(error.pos[0]), key: "" };
        if (error.code === "DUPLICATE_KEY") {
          const path = pathOfKeyAt(doc.contents, error.pos[0]) ?? [];
          return configProblem.duplicateKey({ ...site, key: formatKeyPath(path) }, String(path.at(-1) ?? "?"));
        }
        return configProblem.syntax(site, "YAML", error.message.split("\n")[0] ?? error.code);
      }),
    );
  }
  return {
    value: doc.toJS(),
    locate(path, part = "value") {
      let node: unknown = doc.contents;
      let keyOffset: number | undefined;
      for (const segment of path) {
        if (isMap(node)) {
          const pair = node.items.find((p) => String(keyName(p)) === String(segment));
          if (pair === undefined) return undefined;
          keyOffset = (pair.key as Node).range?.[0];
          node = pair.value ?? undefined;
          // `key:` with nothing after it has no value node; point at the key.
          if (node === undefined || (node as Node).range === undefined) node = undefined;
        } else if (isSeq(node) && typeof segment === "number") {
          node = node.items[segment];
          keyOffset = (node as Node | undefined)?.range?.[0];
        } else {
          return undefined;
        }
      }
      const valueOffset = (node as Node | undefined)?.range?.[0] ?? keyOffset;
      const offset = part === "key" ? (keyOffset ?? valueOffset) : valueOffset;
      return offset === undefined ? undefined : at(offset);
    },
  };
}
