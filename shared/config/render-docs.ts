// Renders docs/configuration.md from schema.json (keys, types, defaults, descriptions), the environment table
// and the schema's example written in each file format.
import { stringify as toToml } from "smol-toml";
import { stringify as toYaml } from "yaml";
import { CONFIG_FILE_ENV, CONFIG_FILE_ENV_ALIAS, ENV_BINDINGS } from "./env.ts";
import { configSchema, deref, EXPAND_KEYWORD, keyPaths, REGEX_KEYWORD, type SchemaNode, supportOf } from "./schema.ts";

function describeType(node: SchemaNode): string {
  const n = deref(node);
  if (n.anyOf !== undefined) {
    const branches = n.anyOf.map((b) => describeType(b));
    return [...new Set(branches)].join(" or ");
  }
  if (n.enum !== undefined) return n.enum.map((v) => `\`${JSON.stringify(v)}\``).join(" \\| ");
  switch (n.type) {
    case "string": {
      const base = n[REGEX_KEYWORD] === true ? "regex" : "string";
      const expand = n[EXPAND_KEYWORD];
      return expand !== undefined && "separator" in expand ? `${base} (\`${expand.separator}\`-separated)` : base;
    }
    case "integer":
    case "number": {
      const range = n.minimum !== undefined && n.maximum !== undefined ? ` ${n.minimum}–${n.maximum}` : "";
      return `${n.type}${range}`;
    }
    case "array":
      if (Array.isArray(n.items)) return `[${n.items.map(describeType).join(", ")}]`;
      return n.items === undefined ? "array" : `array of ${describeType(n.items)}`;
    case "object":
      if (n.properties !== undefined) return "object";
      if (typeof n.additionalProperties === "object") return `map of ${describeType(n.additionalProperties)}`;
      return "object";
    default:
      return n.type ?? "any";
  }
}

function describeDefault(value: unknown): string {
  if (value === undefined) return "";
  if (value === null) return "unset";
  return `\`${JSON.stringify(value)}\``;
}

function cell(text: string): string {
  return text.replaceAll("|", "\\|").replaceAll("\n", " ");
}

function keyTable(): string {
  const rows = ["| Key | Type | Default | Status | Description |", "| --- | --- | --- | --- | --- |"];
  for (const { path, node } of keyPaths()) {
    const support = supportOf(path) ?? "";
    const description = node.description ?? "";
    rows.push(
      `| \`${path.join(".")}\` | ${describeType(node)} | ${describeDefault(node.default)} | ${support} | ${cell(description)} |`,
    );
  }
  return rows.join("\n");
}

function envTable(): string {
  const rows = ["| Variable | mirrord alias | Sets |", "| --- | --- | --- |"];
  for (const binding of ENV_BINDINGS) {
    const alias = binding.alias === null ? "" : `\`${binding.alias}\``;
    rows.push(`| \`${binding.name}\` | ${alias} | \`${binding.path.join(".")}\` |`);
  }
  return rows.join("\n");
}

export function renderDocs(): string {
  const example = configSchema.examples?.[0] as Record<string, unknown>;
  return `# Configuration reference

<!-- Generated from shared/config/schema.json by \`npx tsx shared/config/generate.ts\`. Do not edit by hand. -->

doppel reads one configuration file written in JSON (comments and trailing commas allowed), TOML or YAML; the
format follows the extension (\`.json\`, \`.toml\`, \`.yml\`/\`.yaml\`). Every key is optional, and an empty file
means defaults. Key names and meanings follow mirrord's, so a mirrord configuration works as it is.
\`doppel verify-config <file>\` prints the fully resolved configuration or every problem with file:line:column;
\`doppel config schema\` prints the JSON Schema for editor completion.

## Checking a file

\`doppel verify-config [--ide] <file>\` prints JSON and exits 0 or 1:

- \`{"type": "Success", "config": {…}, "warnings": ["…"]}\`: \`config\` is the fully resolved configuration (every key
  below, shorthands expanded, environment applied, defaults filled); each warning names a key that is set but not
  acted on yet, and where it is set.
- \`{"type": "Fail", "errors": [{"message", "file", "line", "column", "key"}]}\`: every problem, with the 1-based
  line and column in \`file\` (\`null\` when it comes from an environment variable or the file is missing) and the
  key path such as \`feature.fs.read_only[1]\`.

With \`--ide\`, a configuration without a target is not an error (the IDE asks for one).

## Which file is used

For a workspace root, the first of these wins (\`doppel config which\` shows the result):

1. the active configuration chosen in the IDE (\`--active\` for \`doppel config which\`);
2. \`${CONFIG_FILE_ENV}\` from the environment of the launch or run; it must be an absolute path;
3. the lexicographically first file in \`<root>/.doppel/\` whose name ends with \`doppel.json\`, \`doppel.toml\`,
   \`doppel.yml\` or \`doppel.yaml\` (for example \`doppel.json\` or \`staging.doppel.yaml\`);
4. \`${CONFIG_FILE_ENV_ALIAS}\`, then the first \`<root>/.mirrord/*mirrord.<ext>\` file;
5. otherwise no file: defaults.

The IDE's "Select active configuration" offers every file with one of those extensions that sits in a directory
whose name ends with \`.doppel\` or \`.mirrord\`, or whose own name ends with \`doppel.<ext>\` or \`mirrord.<ext>\`,
anywhere in the workspace except \`node_modules\`, \`.git\` and build outputs (\`doppel config list\`).

## Precedence

Command-line flags win over environment variables, which win over the file, which wins over defaults. An empty
variable counts as unset, and a \`DOPPEL_*\` variable wins over its mirrord alias.

${envTable()}

## Keys

Keys marked *planned* are accepted, but doppel does not act on them yet: setting one prints a warning.
A shorthand (a string, boolean or single value where an object or array is expected) expands to the full form:
\`"incoming": "steal"\` is \`"incoming": { "mode": "steal" }\`, \`"env": false\` is \`"env": { "enabled": false }\`,
and a single string where a list is expected is a list of one (\`env.include\`/\`env.exclude\` also split at \`;\`).

${keyTable()}

## Example

The same configuration in each format.

\`.doppel/doppel.json\`

\`\`\`json
${JSON.stringify(example, null, 2)}
\`\`\`

\`.doppel/doppel.toml\`

\`\`\`toml
${toToml(example).trim()}
\`\`\`

\`.doppel/doppel.yaml\`

\`\`\`yaml
${toYaml(example).trim()}
\`\`\`
`;
}
