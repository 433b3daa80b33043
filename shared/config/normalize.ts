// Turns validated raw layers into the resolved form: shorthands expanded (driven by x-doppel-expand in the
// schema), layers merged in precedence order, and defaults filled from the schema.
import type { KeyPath } from "./formats/index.ts";
import { configSchema, deref, EXPAND_KEYWORD, fullFormOf, type SchemaNode } from "./schema.ts";

type Table = Record<string, unknown>;

export function isTable(value: unknown): value is Table {
  return value !== null && typeof value === "object" && !Array.isArray(value) && !(value instanceof Date);
}

function matchesType(value: unknown, type: SchemaNode["type"]): boolean {
  if (type === "array") return Array.isArray(value);
  if (type === "object") return isTable(value);
  if (type === "integer") return Number.isInteger(value);
  return typeof value === type;
}

function childSchema(full: SchemaNode, key: string): SchemaNode | undefined {
  const additional = typeof full.additionalProperties === "object" ? full.additionalProperties : undefined;
  return full.properties?.[key] ?? additional;
}

/** The value with every shorthand replaced by its full form (`"steal"` → `{ mode: "steal" }`, `"a;b"` → `["a","b"]`). */
export function expandShorthands(value: unknown, node: SchemaNode = configSchema): unknown {
  const full = fullFormOf(node);
  const shorthand = deref(node)
    .anyOf?.map((b) => deref(b))
    .find((b) => b[EXPAND_KEYWORD] !== undefined && matchesType(value, b.type));
  const expansion = matchesType(value, full.type) ? undefined : shorthand?.[EXPAND_KEYWORD];
  if (expansion !== undefined) {
    if ("into" in expansion) return expandShorthands({ [expansion.into]: value }, full);
    if (expansion.separator !== undefined && typeof value === "string") {
      return value
        .split(expansion.separator)
        .map((item) => item.trim())
        .filter((item) => item !== "");
    }
    return [value];
  }
  if (Array.isArray(value)) {
    return value.map((item, i) => {
      const itemSchema = Array.isArray(full.items) ? full.items[i] : full.items;
      return itemSchema === undefined ? item : expandShorthands(item, itemSchema);
    });
  }
  if (isTable(value)) {
    return Object.fromEntries(
      Object.entries(value).map(([key, child]) => {
        const schema = childSchema(full, key);
        return [key, schema === undefined ? child : expandShorthands(child, schema)];
      }),
    );
  }
  return value;
}

/** `layer` laid over `base`: tables merge key by key; anything else in `layer` replaces what `base` has. */
export function mergeLayers(base: unknown, layer: unknown): unknown {
  if (!isTable(base) || !isTable(layer)) return layer;
  const merged: Table = { ...base };
  for (const [key, value] of Object.entries(layer)) merged[key] = key in base ? mergeLayers(base[key], value) : value;
  return merged;
}

/** Every key of the schema present: missing keys take their schema default; tables without one are filled in turn. */
export function fillDefaults(value: unknown, node: SchemaNode = configSchema): unknown {
  const full = fullFormOf(node);
  if (Array.isArray(value)) {
    return value.map((item, i) => {
      const itemSchema = Array.isArray(full.items) ? full.items[i] : full.items;
      return itemSchema === undefined ? item : fillDefaults(item, itemSchema);
    });
  }
  if (full.properties === undefined || !isTable(value)) return value;
  const filled: Table = {};
  for (const [key, child] of Object.entries(full.properties)) {
    const fallback = deref(child).default;
    if (key in value) filled[key] = fillDefaults(value[key], child);
    else if (fallback === null) filled[key] = null;
    else filled[key] = fillDefaults(fallback === undefined ? {} : structuredClone(fallback), child);
  }
  return filled;
}

/** A table holding only `value` at `path` (used to turn an environment variable into a layer). */
export function tableAt(path: KeyPath, value: unknown): unknown {
  return path.reduceRight<unknown>((inner, key) => ({ [key]: inner }), value);
}

export function hasPath(root: unknown, path: KeyPath): boolean {
  let value = root;
  for (const key of path) {
    if (!isTable(value) && !Array.isArray(value)) return false;
    if (!(key in value)) return false;
    value = (value as Record<string | number, unknown>)[key];
  }
  return true;
}
