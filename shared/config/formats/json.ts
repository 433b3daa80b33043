// JSON with comments and trailing commas (jsonc-parser); duplicate keys are rejected.
import {
  findNodeAtLocation,
  getNodeValue,
  type Node,
  type ParseError,
  parseTree,
  printParseErrorCode,
} from "jsonc-parser";
import { ConfigError, type ConfigProblem, configProblem } from "../../errors.ts";
import { formatKeyPath, type KeyPath, type ParsedConfig, positionsOf } from "./types.ts";

function describeParseError(code: number): string {
  // "CommaExpected" → "comma expected"
  return printParseErrorCode(code)
    .replace(/([a-z])([A-Z])/g, "$1 $2")
    .toLowerCase();
}

function duplicateKeys(node: Node, path: (string | number)[], found: { path: KeyPath; node: Node }[]): void {
  if (node.type === "object") {
    const seen = new Set<string>();
    for (const property of node.children ?? []) {
      const [keyNode, valueNode] = property.children ?? [];
      if (keyNode === undefined) continue;
      const key = String(keyNode.value);
      if (seen.has(key)) found.push({ path: [...path, key], node: keyNode });
      seen.add(key);
      if (valueNode !== undefined) duplicateKeys(valueNode, [...path, key], found);
    }
  } else if (node.type === "array") {
    for (const [i, item] of (node.children ?? []).entries()) duplicateKeys(item, [...path, i], found);
  }
}

export function parseJson(text: string, file: string): ParsedConfig {
  const at = positionsOf(text);
  const errors: ParseError[] = [];
  const tree = parseTree(text, errors, { allowTrailingComma: true, disallowComments: false, allowEmptyContent: true });
  const first = errors[0];
  if (first !== undefined) {
    const position = at(first.offset);
    throw new ConfigError([
      configProblem.syntax({ file, ...position, key: "" }, "JSON", describeParseError(first.error)),
    ]);
  }
  if (tree === undefined) return { value: undefined, locate: () => undefined };
  const duplicates: { path: KeyPath; node: Node }[] = [];
  duplicateKeys(tree, [], duplicates);
  if (duplicates.length > 0) {
    throw new ConfigError(
      duplicates.map(
        ({ path, node }): ConfigProblem =>
          configProblem.duplicateKey({ file, ...at(node.offset), key: formatKeyPath(path) }, String(path.at(-1))),
      ),
    );
  }
  return {
    value: getNodeValue(tree),
    locate(path, part = "value") {
      const node = findNodeAtLocation(tree, [...path]);
      if (node === undefined) return undefined;
      const keyNode = part === "key" && node.parent?.type === "property" ? node.parent.children?.[0] : undefined;
      return at((keyNode ?? node).offset);
    },
  };
}
