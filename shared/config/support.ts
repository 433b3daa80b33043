// Keys the engine does not act on yet are marked "planned" in schema.json; setting one is reported, never
// silently ignored. Flipping a key to supported is a one-line change of its x-doppel-support marker.
import type { KeyPath } from "./formats/index.ts";
import { isTable } from "./normalize.ts";
import { configSchema, deref, fullFormOf, type SchemaNode, SUPPORT_KEYWORD } from "./schema.ts";

/** The set keys of an expanded layer that are planned; a planned table is reported once, not per key inside. */
export function plannedKeysIn(value: unknown, node: SchemaNode = configSchema, path: KeyPath = []): KeyPath[] {
  const properties = fullFormOf(node).properties;
  if (!isTable(value) || properties === undefined) return [];
  return Object.entries(value).flatMap(([key, child]) => {
    const schema = properties[key];
    if (schema === undefined) return [];
    if (deref(schema)[SUPPORT_KEYWORD] === "planned") return [[...path, key]];
    return plannedKeysIn(child, schema, [...path, key]);
  });
}
