// Whether doppel takes part in one launch, and which configuration the core is asked to use for it.
// Free of the vscode module so the rules are unit-tested directly.
import { ACTIVE_SWITCHES } from "./identity.ts";

export type LaunchDecision = { run: true } | { run: false; reason: "off" | "switched-off" | "attach" };

/**
 * DOPPEL_ACTIVE (alias MIRRORD_ACTIVE) in the launch's env wins over the status-bar button: "1" on, "0" off.
 * Attach configurations are left alone: doppel must start the process to preload its layer.
 */
export function decideLaunch(
  request: unknown,
  launchEnv: Readonly<Record<string, string>>,
  enabled: boolean,
): LaunchDecision {
  const switchValue = ACTIVE_SWITCHES.map((name) => launchEnv[name]).find((value) => value === "0" || value === "1");
  if (switchValue === "0") return { run: false, reason: "switched-off" };
  if (switchValue === undefined && !enabled) return { run: false, reason: "off" };
  if (request === "attach") return { run: false, reason: "attach" };
  return { run: true };
}

export interface ConfigRequest {
  /** The launch's workspace folder (or the first folder); the default configuration is searched there. */
  workspace: string;
  /** The active configuration picked with "Select active config"; null when cleared. */
  activeOverride: string | null;
  launchEnv: Readonly<Record<string, string>>;
}

/**
 * The `doppel ide` options that choose the configuration: the active override > DOPPEL_CONFIG_FILE in the
 * launch's env > the workspace folder's default (the core applies this order; docs/ide-protocol.md).
 */
export function configArgs(request: ConfigRequest): string[] {
  const args = ["--workspace", request.workspace];
  if (request.activeOverride !== null) args.push("--config", request.activeOverride);
  args.push("--env-json", JSON.stringify(request.launchEnv));
  return args;
}
