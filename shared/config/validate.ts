// Checks a raw configuration layer against schema.json with ajv and turns ajv's errors into located,
// readable problems: shorthand unions reduce to the branch the value was meant for, unknown keys and enum
// values get the closest valid spelling, and regex-valued keys must compile as JavaScript RegExps.
import AjvModule, { type ErrorObject } from "ajv";
import { type ConfigProblem, configProblem, type ProblemSite } from "../errors.ts";
import { closeMatches } from "../similar-words.ts";
import { describeValue, type KeyPath, type PositionPart } from "./formats/index.ts";
import {
  configSchema,
  deref,
  EXPAND_KEYWORD,
  keyPaths,
  REGEX_KEYWORD,
  type SchemaNode,
  SUPPORT_KEYWORD,
  schemaAt,
} from "./schema.ts";

const Ajv = AjvModule.default;

/** Where a key path of the layer being checked is written. */
export type SiteOf = (path: KeyPath, part: PositionPart) => ProblemSite;

function regexProblem(pattern: string): string | undefined {
  try {
    new RegExp(pattern);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

// verbose: errors carry their parentSchema, which the union reduction reads.
const ajv = new Ajv({ allErrors: true, verbose: true, strict: true, allowUnionTypes: true });
ajv.addKeyword({ keyword: SUPPORT_KEYWORD, schemaType: "string", metaSchema: { enum: ["supported", "planned"] } });
ajv.addKeyword({ keyword: EXPAND_KEYWORD, schemaType: "object" });
ajv.addKeyword({
  keyword: REGEX_KEYWORD,
  type: "string",
  schemaType: "boolean",
  errors: true,
  validate: function validRegex(enabled: boolean, pattern: string): boolean {
    const reason = enabled ? regexProblem(pattern) : undefined;
    // The pattern travels in params: under propertyNames the instance path is the table, not the key.
    (validRegex as { errors?: Partial<ErrorObject>[] }).errors =
      reason === undefined ? [] : [{ keyword: REGEX_KEYWORD, message: reason, params: { reason, pattern } }];
    return reason === undefined;
  },
});
const validateSchema = ajv.compile(configSchema);

function pathOf(instancePath: string, root: unknown): (string | number)[] {
  const path: (string | number)[] = [];
  let value: unknown = root;
  for (const raw of instancePath.split("/").slice(1)) {
    const segment = raw.replaceAll("~1", "/").replaceAll("~0", "~");
    const key = Array.isArray(value) ? Number(segment) : segment;
    path.push(key);
    value = (value as Record<string | number, unknown> | undefined)?.[key];
  }
  return path;
}

function valueAt(root: unknown, path: KeyPath): unknown {
  let value = root;
  for (const key of path) value = (value as Record<string | number, unknown> | undefined)?.[key];
  return value;
}

function within(error: ErrorObject, instancePath: string): boolean {
  return error.instancePath === instancePath || error.instancePath.startsWith(`${instancePath}/`);
}

/** The value's kind in JSON Schema terms, for matching it against a union branch's `type`. */
function jsonType(value: unknown): string {
  if (Array.isArray(value)) return "array";
  if (value === null) return "null";
  if (typeof value === "number") return Number.isInteger(value) ? "integer" : "number";
  return typeof value;
}

function typeName(type: string): string {
  return type === "object" ? "a table" : type === "array" ? "an array" : type;
}

/** Replaces each failed shorthand union (anyOf) by the errors of the branch whose type the value has, or by one
 * "expected X or Y" error when the value has none of the branches' types. Outermost unions first. */
function reduceUnions(errors: ErrorObject[], root: unknown): ErrorObject[] {
  let remaining = errors;
  for (;;) {
    const unions = remaining.filter((e) => e.keyword === "anyOf");
    const union = unions.sort((a, b) => a.instancePath.length - b.instancePath.length)[0];
    if (union === undefined) return remaining;
    const prefix = `${union.schemaPath}/`;
    const inUnion = (e: ErrorObject) => e !== union && e.schemaPath.startsWith(prefix) && within(e, union.instancePath);
    const branches = (union.parentSchema as SchemaNode).anyOf ?? [];
    const valueType = jsonType(valueAt(root, pathOf(union.instancePath, root)));
    const matching = branches.findIndex((b) => {
      const t = deref(b).type;
      return t === valueType || (t === "number" && valueType === "integer");
    });
    const outside = remaining.filter((e) => e !== union && !inUnion(e));
    if (matching >= 0) {
      const chosen = remaining.filter((e) => inUnion(e) && e.schemaPath.startsWith(`${prefix}${matching}/`));
      remaining = [...outside, ...chosen];
    } else {
      const expected = [...new Set(branches.map((b) => deref(b).type ?? "value"))].join(",");
      const synthetic: ErrorObject = {
        keyword: "type",
        instancePath: union.instancePath,
        schemaPath: union.schemaPath,
        params: { type: expected },
      };
      remaining = [...outside, synthetic];
    }
  }
}

/** For each key name, the tables it belongs to (`incoming` → `feature.network`), to point a misplaced key home. */
const KEY_HOMES = new Map<string, string[]>();
for (const { path } of keyPaths()) {
  const name = path.at(-1) as string;
  KEY_HOMES.set(name, [...(KEY_HOMES.get(name) ?? []), path.slice(0, -1).join(".") || "the top level"]);
}

function nearestWord(word: string, candidates: readonly string[]): string | undefined {
  return closeMatches(word, candidates, 1)[0];
}

function toProblem(error: ErrorObject, root: unknown, siteOf: SiteOf): ConfigProblem | undefined {
  const path = pathOf(error.instancePath, root);
  const value = valueAt(root, path);
  const site = () => siteOf(path, "value");
  switch (error.keyword) {
    case "type": {
      const expected = String(error.params.type).split(",").map(typeName).join(" or ");
      return configProblem.wrongType(site(), expected, describeValue(value));
    }
    case "enum": {
      const allowed = (error.params.allowedValues as unknown[]) ?? [];
      const suggestion =
        typeof value === "string"
          ? nearestWord(
              value,
              allowed.filter((v) => typeof v === "string"),
            )
          : undefined;
      return configProblem.notAllowed(site(), value, allowed, suggestion);
    }
    case "additionalProperties": {
      const key = String(error.params.additionalProperty);
      const known = Object.keys(schemaAt(path)?.properties ?? {});
      const site = siteOf([...path, key], "key");
      const near = nearestWord(key, known);
      const homes = near === undefined ? (KEY_HOMES.get(key) ?? []) : [];
      return homes.length > 0
        ? configProblem.misplacedKey(site, key, homes)
        : configProblem.unknownKey(site, key, near);
    }
    case "minimum":
    case "maximum":
    case "exclusiveMinimum":
    case "exclusiveMaximum": {
      const op = { minimum: "≥", maximum: "≤", exclusiveMinimum: ">", exclusiveMaximum: "<" }[error.keyword];
      return configProblem.outOfRange(site(), value, `${op} ${error.params.limit}`);
    }
    case REGEX_KEYWORD: {
      const pattern = String(error.params.pattern);
      const isKeyName = typeof value !== "string";
      const where = isKeyName ? siteOf([...path, pattern], "key") : site();
      return configProblem.invalidRegex(where, pattern, String(error.params.reason));
    }
    case "required":
      return configProblem.invalidValue(site(), `missing key "${error.params.missingProperty}"`);
    case "propertyNames":
      // Reported by the failing keyword inside propertyNames, which names the property.
      return undefined;
    case "minItems":
      return configProblem.invalidValue(site(), `must have at least ${error.params.limit} items`);
    case "maxItems":
    case "additionalItems":
      return configProblem.invalidValue(site(), `must have at most ${error.params.limit} items`);
    default:
      return configProblem.invalidValue(site(), error.message ?? error.keyword);
  }
}

/** Every problem in one raw layer (a parsed file, an environment setting, command-line overrides). */
export function validateLayer(value: unknown, siteOf: SiteOf): ConfigProblem[] {
  if (validateSchema(value)) return [];
  const problems: ConfigProblem[] = [];
  const seen = new Set<string>();
  for (const error of reduceUnions(validateSchema.errors ?? [], value)) {
    const problem = toProblem(error, value, siteOf);
    if (problem === undefined) continue;
    const id = `${problem.key}\u0000${problem.code}\u0000${problem.message}`;
    if (!seen.has(id)) problems.push(problem);
    seen.add(id);
  }
  // In reading order, as an editor lists them.
  return problems.sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
}
