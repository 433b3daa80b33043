// Every command and setting of the extension: an enum of ids and one exhaustive record each, so the compiler
// flags a member without its title or schema. package.json `contributes` is generated from these
// (scripts/generate.ts); contributes.test.ts fails when package.json is stale.

export const Command = {
  toggle: "doppel.toggle",
  menu: "doppel.menu",
  selectActiveConfig: "doppel.selectActiveConfig",
  showOutput: "doppel.showOutput",
  openSettings: "doppel.openSettings",
} as const;
export type Command = (typeof Command)[keyof typeof Command];

export const COMMAND_TITLES: Record<Command, string> = {
  [Command.toggle]: "Toggle doppel for run and debug sessions",
  [Command.menu]: "Show the doppel menu",
  [Command.selectActiveConfig]: "Select active config",
  [Command.showOutput]: "Show output",
  [Command.openSettings]: "Open settings",
};

export const Setting = {
  enabledByDefault: "doppel.enabledByDefault",
  autoUpdate: "doppel.autoUpdate",
  releaseUrl: "doppel.releaseUrl",
  binaryPath: "doppel.binaryPath",
} as const;
export type Setting = (typeof Setting)[keyof typeof Setting];

/** The value each setting holds, for typed reads. */
export interface SettingValues {
  [Setting.enabledByDefault]: boolean;
  [Setting.autoUpdate]: boolean | string;
  [Setting.releaseUrl]: string;
  [Setting.binaryPath]: string;
}

export const SETTING_SCHEMAS: { [S in Setting]: Record<string, unknown> & { default: SettingValues[S] } } = {
  [Setting.enabledByDefault]: {
    type: "boolean",
    default: false,
    description:
      "Whether doppel is on for run and debug sessions when a window opens (the status-bar item toggles it).",
  },
  [Setting.autoUpdate]: {
    type: ["boolean", "string"],
    default: true,
    pattern: "^\\d+\\.\\d+\\.\\d+$",
    markdownDescription:
      '`true`: use the newest compatible doppel from `#doppel.releaseUrl#`; `false`: the one bundled with the extension; `"x.y.z"`: exactly that version.',
  },
  [Setting.releaseUrl]: {
    type: "string",
    default: "https://doppel.dev/releases/manifest.json",
    description: "Where the release manifest of doppel's CLI and native layer is read from.",
  },
  [Setting.binaryPath]: {
    type: "string",
    default: "",
    description: "Path of a doppel CLI (shared/dist/cli.js of an installation) to use instead of a managed one.",
  },
};

/** Launch-environment switches: "1" keeps doppel on and "0" off for one launch configuration. */
export const ACTIVE_SWITCHES = ["DOPPEL_ACTIVE", "MIRRORD_ACTIVE"] as const;

/** Files that get the configuration schema: anything in .doppel/ and any *doppel.<ext>. */
export const CONFIG_FILE_PATTERNS = {
  json: [".doppel/*.json", "*doppel.json", ".mirrord/*.json", "*mirrord.json"],
  yaml: [".doppel/*.yaml", ".doppel/*.yml", "*doppel.yaml", "*doppel.yml"],
} as const;

export const SCHEMA_FILE = "schemas/doppel-config.schema.json";
