// Renders types.gen.ts: the raw file form (DoppelConfig) straight from schema.json and the resolved form
// (ResolvedConfig) from the derived schema, both through json-schema-to-typescript.
import { compile, type JSONSchema } from "json-schema-to-typescript";
import { resolvedSchemaOf } from "./resolved-schema.ts";
import { configSchema, deref, type SchemaNode } from "./schema.ts";

const BANNER = "// Generated from shared/config/schema.json by shared/config/generate.ts. Do not edit.\n";

/** Replaces every $ref by its definition so each key gets an inline type with its own doc comment
 * (json-schema-to-typescript would otherwise emit numbered copies like PortList1, PortList2). A titled definition
 * becomes one shared object, so it is emitted once under its title; the usage keeps its description. */
function inlineRefs(node: SchemaNode, shared = new Map<string, SchemaNode>()): SchemaNode {
  const definition = node.$ref === undefined ? undefined : deref({ $ref: node.$ref });
  if (node.$ref !== undefined && definition?.title !== undefined) {
    let one = shared.get(node.$ref);
    if (one === undefined) {
      one = inlineRefs(definition, shared);
      shared.set(node.$ref, one);
    }
    return { description: node.description ?? definition.description, anyOf: [one] };
  }
  const recurse = (child: SchemaNode) => inlineRefs(child, shared);
  const copy: SchemaNode = { ...deref(node) };
  if (copy.properties !== undefined) {
    copy.properties = Object.fromEntries(Object.entries(copy.properties).map(([k, v]) => [k, recurse(v)]));
  }
  if (typeof copy.additionalProperties === "object") copy.additionalProperties = recurse(copy.additionalProperties);
  if (Array.isArray(copy.items)) copy.items = copy.items.map(recurse);
  else if (copy.items !== undefined) copy.items = recurse(copy.items);
  if (copy.anyOf !== undefined) copy.anyOf = copy.anyOf.map(recurse);
  delete copy.definitions;
  delete copy.examples;
  return copy;
}

export async function renderTypes(): Promise<string> {
  const options = { bannerComment: "", additionalProperties: false, format: true, strictIndexSignatures: true };
  const raw = await compile(inlineRefs(configSchema) as JSONSchema, "DoppelConfig", options);
  const resolved = await compile(resolvedSchemaOf() as JSONSchema, "ResolvedConfig", options);
  return `${BANNER}\n${raw.trim()}\n\n${resolved.trim()}\n`;
}
