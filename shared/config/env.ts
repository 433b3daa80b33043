// The environment variables that set configuration keys. One row per variable; an alias is the
// mirrord name that is honoured when the doppel name is unset. An empty value counts as unset.

export interface EnvBinding {
  name: string;
  alias: string | null;
  path: readonly string[];
}

export const ENV_BINDINGS: readonly EnvBinding[] = [
  { name: "DOPPEL_TARGET", alias: "MIRRORD_IMPERSONATED_TARGET", path: ["target", "path"] },
  { name: "DOPPEL_TARGET_NAMESPACE", alias: "MIRRORD_TARGET_NAMESPACE", path: ["target", "namespace"] },
  { name: "DOPPEL_AGENT_NAMESPACE", alias: "MIRRORD_AGENT_NAMESPACE", path: ["agent", "namespace"] },
  { name: "DOPPEL_AGENT_IMAGE", alias: null, path: ["agent", "image"] },
  { name: "DOPPEL_FS_MODE", alias: null, path: ["feature", "fs", "mode"] },
  { name: "DOPPEL_INCOMING_MODE", alias: null, path: ["feature", "network", "incoming", "mode"] },
];

/** The discovery variables (they pick the file rather than set a key). */
export const CONFIG_FILE_ENV = "DOPPEL_CONFIG_FILE";
export const CONFIG_FILE_ENV_ALIAS = "MIRRORD_CONFIG_FILE";

/** A variable's value, or undefined when it is unset or empty. */
export function envValue(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value === "" ? undefined : value;
}

export interface EnvSetting {
  variable: string;
  path: readonly string[];
  value: string;
}

/** The settings the environment makes, DOPPEL_* before its MIRRORD_* alias. */
export function envSettings(env: NodeJS.ProcessEnv): EnvSetting[] {
  const settings: EnvSetting[] = [];
  for (const binding of ENV_BINDINGS) {
    for (const variable of [binding.name, binding.alias]) {
      if (variable === null) continue;
      const value = envValue(env, variable);
      if (value !== undefined) {
        settings.push({ variable, path: binding.path, value });
        break;
      }
    }
  }
  return settings;
}
