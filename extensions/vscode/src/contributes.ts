// package.json `contributes` and the bundled configuration schema, built from identity.ts and from the core's
// schema (shared/config/schema.json): scripts/generate.ts writes them, contributes.test.ts catches stale copies.
import { readFileSync } from "node:fs";
import { COMMAND_TITLES, CONFIG_FILE_PATTERNS, Command, SCHEMA_FILE, SETTING_SCHEMAS } from "./identity.ts";

const coreSchemaUrl = new URL("../../../shared/config/schema.json", import.meta.url);

export function buildContributes(): Record<string, unknown> {
  const url = `./${SCHEMA_FILE}`;
  return {
    commands: Object.values(Command).map((command) => ({
      command,
      title: COMMAND_TITLES[command],
      category: "doppel",
    })),
    configuration: { title: "doppel", properties: SETTING_SCHEMAS },
    jsonValidation: [{ fileMatch: [...CONFIG_FILE_PATTERNS.json], url }],
    // Read by redhat.vscode-yaml when it is installed; VS Code itself ignores it.
    yamlValidation: [{ fileMatch: [...CONFIG_FILE_PATTERNS.yaml], url }],
  };
}

/** The schema file the extension ships: the core's schema, byte for byte. */
export function buildSchemaText(): string {
  return readFileSync(coreSchemaUrl, "utf8");
}
