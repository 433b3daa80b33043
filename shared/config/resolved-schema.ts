// Derives the schema of the resolved configuration from schema.json: every shorthand union is replaced by its
// full-form branch, every key is required, and keys whose default is null may be null.
// The generated ResolvedConfig type comes from this, so the resolved form is never written by hand.
import { configSchema, deref, fullFormOf, type SchemaNode } from "./schema.ts";

const ANNOTATIONS_DROPPED = ["x-doppel-support", "x-doppel-expand", "x-doppel-regex", "default", "examples"] as const;

function withoutAnnotations(node: SchemaNode): SchemaNode {
  const copy: SchemaNode = { ...node };
  for (const key of ANNOTATIONS_DROPPED) delete copy[key];
  return copy;
}

function resolveNode(node: SchemaNode, root: SchemaNode, shared: Map<string, SchemaNode>): SchemaNode {
  // A titled definition used in several places resolves to one shared object, emitted once as one type.
  const definition = node.$ref === undefined ? undefined : deref({ $ref: node.$ref }, root);
  if (node.$ref !== undefined && definition?.title !== undefined) {
    let one = shared.get(node.$ref);
    if (one === undefined) {
      one = resolveNode(definition, root, shared);
      shared.set(node.$ref, one);
    }
    return { description: node.description ?? definition.description, anyOf: [one] };
  }
  const recurse = (child: SchemaNode) => resolveNode(child, root, shared);
  const full = withoutAnnotations(fullFormOf(deref(node, root), root));
  if (full.title !== undefined) full.title = `Resolved${full.title}`;
  if (full.properties !== undefined) {
    const properties: Record<string, SchemaNode> = {};
    for (const [key, child] of Object.entries(full.properties)) {
      const resolvedChild = recurse(child);
      properties[key] =
        deref(child, root).default === null
          ? { description: resolvedChild.description, anyOf: [resolvedChild, { type: "null" }] }
          : resolvedChild;
    }
    full.properties = properties;
    full.required = Object.keys(properties);
    full.additionalProperties = false;
  } else if (typeof full.additionalProperties === "object") {
    full.additionalProperties = recurse(full.additionalProperties);
  }
  if (full.propertyNames !== undefined) delete full.propertyNames;
  if (Array.isArray(full.items)) full.items = full.items.map(recurse);
  else if (full.items !== undefined) full.items = recurse(full.items);
  return full;
}

/** The JSON Schema of the resolved (normalized, defaults filled) configuration. */
export function resolvedSchemaOf(root: SchemaNode = configSchema): SchemaNode {
  const resolved = resolveNode(root, root, new Map());
  delete resolved.definitions;
  resolved.title = "ResolvedConfig";
  resolved.description = "The configuration after shorthands are expanded, sources merged and defaults filled.";
  return resolved;
}
