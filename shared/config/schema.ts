// The configuration schema (schema.json) and the few walkers every consumer shares:
// following $ref, picking the object branch of a shorthand, and finding the schema of a key path.
import schemaJson from "./schema.json" with { type: "json" };

/** Marks whether the engine implements a key; "planned" keys are accepted with a warning. */
export const SUPPORT_KEYWORD = "x-doppel-support";
/** On a shorthand branch: how to expand it into the full form (wrap into a key, or into a list). */
export const EXPAND_KEYWORD = "x-doppel-expand";
/** On a string: the value is a regular expression and must compile with RegExp. */
export const REGEX_KEYWORD = "x-doppel-regex";

export type Support = "supported" | "planned";
export type Expansion = { into: string } | { list: true; separator?: string };

export interface SchemaNode {
  $ref?: string;
  title?: string;
  description?: string;
  type?: "object" | "array" | "string" | "integer" | "number" | "boolean" | "null";
  enum?: readonly unknown[];
  default?: unknown;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  properties?: Record<string, SchemaNode>;
  additionalProperties?: boolean | SchemaNode;
  propertyNames?: SchemaNode;
  required?: string[];
  items?: SchemaNode | SchemaNode[];
  additionalItems?: boolean;
  anyOf?: SchemaNode[];
  examples?: unknown[];
  definitions?: Record<string, SchemaNode>;
  [SUPPORT_KEYWORD]?: Support;
  [EXPAND_KEYWORD]?: Expansion;
  [REGEX_KEYWORD]?: boolean;
}

export const configSchema = schemaJson as unknown as SchemaNode;

/** The node with its local `$ref` replaced by the referenced definition; sibling keywords win. */
export function deref(node: SchemaNode, root: SchemaNode = configSchema): SchemaNode {
  if (node.$ref === undefined) return node;
  const name = node.$ref.replace(/^#\/definitions\//, "");
  const target = root.definitions?.[name];
  if (target === undefined) throw new Error(`schema: unresolved $ref ${node.$ref}`);
  const { $ref: _ref, ...siblings } = node;
  return { ...deref(target, root), ...siblings };
}

/** For a shorthand union, the full-form branch (the one that is not expanded from something else). */
export function fullFormOf(node: SchemaNode, root: SchemaNode = configSchema): SchemaNode {
  const resolved = deref(node, root);
  if (resolved.anyOf === undefined) return resolved;
  const full = resolved.anyOf.filter((branch) => deref(branch, root)[EXPAND_KEYWORD] === undefined);
  if (full.length !== 1 || full[0] === undefined) {
    throw new Error("schema: a union must have exactly one branch without x-doppel-expand");
  }
  const { anyOf: _anyOf, ...annotations } = resolved;
  return { ...deref(full[0], root), ...annotations };
}

/** The schema (full form) of the value at `path` in the resolved configuration, or undefined. */
export function schemaAt(path: readonly (string | number)[], root: SchemaNode = configSchema): SchemaNode | undefined {
  let node: SchemaNode | undefined = fullFormOf(root, root);
  for (const segment of path) {
    if (node === undefined) return undefined;
    if (typeof segment === "number") {
      node = Array.isArray(node.items) ? node.items[segment] : node.items;
    } else {
      const additional: SchemaNode | undefined =
        typeof node.additionalProperties === "object" ? node.additionalProperties : undefined;
      node = node.properties?.[segment] ?? additional;
    }
    if (node !== undefined) node = fullFormOf(node, root);
  }
  return node;
}

/** Every key path of the schema's object properties, depth first, in declaration order. */
export function* keyPaths(
  node: SchemaNode = configSchema,
  prefix: string[] = [],
): Generator<{ path: string[]; node: SchemaNode; full: SchemaNode }> {
  const full = fullFormOf(node);
  for (const [key, child] of Object.entries(full.properties ?? {})) {
    const path = [...prefix, key];
    const childNode = deref(child);
    const childFull = fullFormOf(child);
    yield { path, node: childNode, full: childFull };
    if (childFull.type === "object" && childFull.properties !== undefined && childNode.default === undefined) {
      yield* keyPaths(child, path);
    }
  }
}

/** The support status of a key: the nearest x-doppel-support on the key or its ancestors; undefined for a
 * container that has no marker on its path (its keys carry their own). */
export function supportOf(path: readonly string[], root: SchemaNode = configSchema): Support | undefined {
  let node: SchemaNode = root;
  let found: Support | undefined;
  for (const segment of path) {
    const child = fullFormOf(node, root).properties?.[segment];
    if (child === undefined) return found;
    node = child;
    found = deref(child, root)[SUPPORT_KEYWORD] ?? found;
  }
  return found;
}
