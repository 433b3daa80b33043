// The configuration API other parts of doppel import.

export type { ConfigChoice, ConfigSource, WhichConfigOptions } from "./discovery.ts";
export { listConfigCandidates, whichConfig } from "./discovery.ts";
export { CONFIG_FILE_ENV, CONFIG_FILE_ENV_ALIAS, ENV_BINDINGS } from "./env.ts";
export type { ConfigOverrides, LoadedConfig, LoadOptions } from "./load.ts";
export { loadConfig } from "./load.ts";
export { configSchema } from "./schema.ts";
export type { DoppelConfig, ResolvedConfig } from "./types.gen.ts";
