// The configuration an `ide` command works with: the file chosen by the rules (the IDE's active configuration
// from --config > DOPPEL_CONFIG_FILE in the launch's environment > the workspace's default), loaded in IDE mode
// (a missing target is the IDE's to ask for) with the launch's environment over this process's.
import {
  type ConfigChoice,
  type ConfigOverrides,
  type LoadedConfig,
  loadConfig,
  whichConfig,
} from "../../config/index.ts";
import { parseEnvJson } from "../ide-protocol.ts";
import type { Io } from "../io.ts";
import { workspaceFrom } from "./workspace.ts";

export interface IdeConfigOptions {
  workspace?: string;
  config?: string;
  envJson?: string;
  target?: string;
}

export interface IdeConfig extends LoadedConfig {
  choice: ConfigChoice;
  /** The environment the launched process starts from: this process's with the launch's on top. */
  launchEnv: NodeJS.ProcessEnv;
}

export function chooseIdeConfig(
  options: IdeConfigOptions,
  io: Io,
): { choice: ConfigChoice; launchEnv: NodeJS.ProcessEnv } {
  const launchEnv = { ...io.env, ...parseEnvJson(options.envJson) };
  const choice = whichConfig({
    workspace: workspaceFrom(options.workspace, io),
    active: options.config ?? null,
    env: launchEnv,
  });
  return { choice, launchEnv };
}

export function loadIdeConfig(options: IdeConfigOptions, io: Io, overrides: ConfigOverrides = {}): IdeConfig {
  const { choice, launchEnv } = chooseIdeConfig(options, io);
  const withTarget: ConfigOverrides = options.target ? { ...overrides, target: { path: options.target } } : overrides;
  const loaded = loadConfig({ path: choice.path, env: launchEnv, overrides: withTarget, ide: true });
  return { ...loaded, choice, launchEnv };
}
