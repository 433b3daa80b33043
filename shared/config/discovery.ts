// Which configuration file applies to a workspace (whichConfig), and which files the IDE offers as the
// active configuration (listConfigCandidates). mirrord's names are honoured after doppel's.
import { type Dirent, readdirSync } from "node:fs";
import { isAbsolute, join, resolve } from "node:path";
import { doppelError } from "../errors.ts";
import { CONFIG_FILE_ENV, CONFIG_FILE_ENV_ALIAS, envValue } from "./env.ts";
import { CONFIG_EXTENSIONS } from "./formats/index.ts";

export type ConfigSource = "active" | "env" | "default" | "alias-env" | "alias-default" | "none";

export interface ConfigChoice {
  path: string | null;
  source: ConfigSource;
}

export interface WhichConfigOptions {
  workspace: string;
  /** The active configuration chosen in the IDE; a relative path is taken from the workspace root. */
  active?: string | null;
  /** The environment of the launch or run (not necessarily this process's). */
  env: NodeJS.ProcessEnv;
}

/** The brand names, doppel's first: their directory (`.doppel`) and file-name suffix (`doppel.<ext>`). */
const BRANDS = ["doppel", "mirrord"] as const;

/** Directories never searched for candidates: dependencies, VCS data and build outputs. */
const SKIPPED_DIRECTORIES = new Set([
  "node_modules",
  ".git",
  "dist",
  "build",
  "out",
  "target",
  "coverage",
  ".next",
  ".gradle",
  ".venv",
  "__pycache__",
]);

function endsWithBrandFile(name: string, brand: string): boolean {
  return CONFIG_EXTENSIONS.some((ext) => name.endsWith(`${brand}.${ext}`));
}

function hasConfigExtension(name: string): boolean {
  return CONFIG_EXTENSIONS.some((ext) => name.endsWith(`.${ext}`));
}

/** The lexicographically first `*<brand>.<ext>` file directly in `<workspace>/.<brand>/`, if any. */
function defaultFile(workspace: string, brand: string): string | null {
  const dir = join(workspace, `.${brand}`);
  let entries: Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return null;
  }
  const names = entries
    .filter((e) => (e.isFile() || e.isSymbolicLink()) && endsWithBrandFile(e.name, brand))
    .map((e) => e.name)
    .sort();
  return names[0] === undefined ? null : join(dir, names[0]);
}

function absoluteFromEnv(env: NodeJS.ProcessEnv, variable: string): string | null {
  const value = envValue(env, variable);
  if (value === undefined) return null;
  if (!isAbsolute(value)) throw doppelError.configPathNotAbsolute(variable, value);
  return value;
}

/** The file that configures a run in `workspace`, and why. Throws when a *_CONFIG_FILE variable is relative. */
export function whichConfig(options: WhichConfigOptions): ConfigChoice {
  const workspace = resolve(options.workspace);
  if (options.active) return { path: resolve(workspace, options.active), source: "active" };
  const fromEnv = absoluteFromEnv(options.env, CONFIG_FILE_ENV);
  if (fromEnv !== null) return { path: fromEnv, source: "env" };
  const doppelDefault = defaultFile(workspace, "doppel");
  if (doppelDefault !== null) return { path: doppelDefault, source: "default" };
  const fromAliasEnv = absoluteFromEnv(options.env, CONFIG_FILE_ENV_ALIAS);
  if (fromAliasEnv !== null) return { path: fromAliasEnv, source: "alias-env" };
  const mirrordDefault = defaultFile(workspace, "mirrord");
  if (mirrordDefault !== null) return { path: mirrordDefault, source: "alias-default" };
  return { path: null, source: "none" };
}

/** Every file the "select active configuration" picker offers, as sorted absolute paths. */
export function listConfigCandidates(workspace: string): string[] {
  const root = resolve(workspace);
  const found: string[] = [];
  const visit = (dir: string, dirName: string) => {
    let entries: Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    const inBrandDir = BRANDS.some((brand) => dirName.endsWith(`.${brand}`));
    for (const entry of entries) {
      const path = join(dir, entry.name);
      // Symbolic links to directories are not followed, so a link cycle cannot trap the walk.
      if (entry.isDirectory()) {
        if (!SKIPPED_DIRECTORIES.has(entry.name)) visit(path, entry.name);
      } else if (entry.isFile() || entry.isSymbolicLink()) {
        const named = BRANDS.some((brand) => endsWithBrandFile(entry.name, brand));
        if (named || (inBrandDir && hasConfigExtension(entry.name))) found.push(path);
      }
    }
  };
  visit(root, "");
  return found.sort();
}
