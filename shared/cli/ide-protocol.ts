// The `doppel ide …` contract shared by the VS Code extension and the JetBrains plugin (docs/ide-protocol.md):
// every command writes JSON lines to stdout, the first one a hello with the protocol version, and every failure
// becomes an `error` line that carries the code, the location and what the IDE can offer to fix it.
// Change it here and in the document together; bump IDE_PROTOCOL_VERSION on any incompatible change.

import type { ConfigOverrides, ConfigSource } from "../config/index.ts";
import { ConfigError, DoppelError, doppelError, type ErrorCode } from "../errors.ts";
import packageJson from "../package.json" with { type: "json" };
import type { SessionPhase } from "../session/open-session.ts";
import type { Io } from "./io.ts";

export const IDE_PROTOCOL_VERSION = 1;

/** Phases of `ide start`, in order: the configuration is loaded, then the session's own phases. */
export type StartPhase = "config" | SessionPhase;

/** What an IDE can offer next to an error. */
export const IdeAction = {
  openConfig: "open-config",
  selectTarget: "select-target",
  showOutput: "show-output",
  openSettings: "open-settings",
} as const;
export type IdeAction = (typeof IdeAction)[keyof typeof IdeAction];

export interface ProblemLine {
  code: ErrorCode;
  message: string;
  file: string | null;
  line: number | null;
  column: number | null;
  key: string;
}

export interface TargetLine {
  /** The target path to pass back with --target. */
  path: string;
  /** `pid`, or a Kubernetes kind: `pod`, `deployment`, `statefulset`, … */
  kind: string;
  /** A short name: the object's name (a pod's with its container), or for a process the network namespace's
   * name, the hostname, or the command. */
  name: string;
  /** What runs there: the command line, or the containers (or why nothing is ready). */
  detail: string;
  /** The Kubernetes namespace; null for local processes. */
  namespace: string | null;
  /** A session can start on it now (a Kubernetes workload without a ready pod is false; processes are true). */
  available: boolean;
}

export type IdeEvent =
  | { type: "hello"; protocol: number; doppel: string }
  | { type: "progress"; phase: StartPhase; message: string }
  | { type: "log"; level: "error" | "warning" | "info" | "debug"; message: string }
  | {
      type: "ready";
      session: { id: string; target: string; config: string | null; proxySocket: string };
      /** Variables to set in the launched process (layer variables and the pod's environment). */
      env: Record<string, string>;
      /** Variables to remove from the launched process (feature.env.unset, pod rules). */
      unset: string[];
    }
  | { type: "stopped"; reason: "stop" | "stdin-closed" | "signal" }
  | { type: "configs"; workspace: string; candidates: string[]; chosen: { path: string | null; source: ConfigSource } }
  | {
      type: "config";
      path: string | null;
      source: ConfigSource;
      target: string | null;
      namespace: string | null;
      warnings: string[];
    }
  | { type: "targets"; namespace: string | null; namespaces: string[]; targets: TargetLine[] }
  | {
      type: "error";
      code: ErrorCode | "INTERNAL";
      message: string;
      hint: string | null;
      file: string | null;
      line: number | null;
      column: number | null;
      problems: ProblemLine[];
      actions: IdeAction[];
    };

/** Commands an IDE writes to the stdin of `ide start`, one JSON object per line. */
export type IdeRequest = { type: "stop" };

// Errors about the target offer the target picker; every error offers the output; located ones open the file.
const TARGET_ERRORS: ReadonlySet<string> = new Set<ErrorCode>([
  "TARGET_INVALID",
  "CONFIG_INVALID_TARGET",
  "SESSION_TARGET_NOT_FOUND",
  "KUBE_TARGET_NOT_FOUND",
  "KUBE_TARGET_NOT_READY",
  "KUBE_TARGET_REFUSED",
  "KUBE_CONTAINER_NOT_FOUND",
  "KUBE_NAMESPACE_NOT_FOUND",
]);
const SETTINGS_ERRORS: ReadonlySet<string> = new Set<ErrorCode>(["SESSION_LAYER_MISSING", "SESSION_AGENT_FAILED"]);

function actionsOf(code: string, file: string | null): IdeAction[] {
  const actions: IdeAction[] = [];
  if (file !== null) actions.push(IdeAction.openConfig);
  if (TARGET_ERRORS.has(code)) actions.push(IdeAction.selectTarget);
  if (SETTINGS_ERRORS.has(code)) actions.push(IdeAction.openSettings);
  actions.push(IdeAction.showOutput);
  return actions;
}

export function errorEvent(error: unknown): Extract<IdeEvent, { type: "error" }> {
  if (error instanceof DoppelError) {
    const problems =
      error instanceof ConfigError
        ? error.errors.map(({ code, message, file, line, column, key }) => ({ code, message, file, line, column, key }))
        : [];
    const file = error.location?.file ?? null;
    return {
      type: "error",
      code: error.code,
      message: error.message,
      hint: error.hint,
      file,
      line: error.location?.line ?? null,
      column: error.location?.column ?? null,
      problems,
      actions: actionsOf(error.code, file),
    };
  }
  const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
  return {
    type: "error",
    code: "INTERNAL",
    message: `internal error in doppel: ${detail}`,
    hint: "this is a bug in doppel; please report it with the output",
    file: null,
    line: null,
    column: null,
    problems: [],
    actions: [IdeAction.showOutput],
  };
}

export function writeEvent(io: Io, event: IdeEvent): void {
  io.stdout.write(`${JSON.stringify(event)}\n`);
}

/**
 * Runs one `doppel ide` command: the hello first, then the body; a failure becomes an `error` line and exit code 1
 * (the user's to fix) or 2 (a bug), so the IDE never has to read stderr.
 */
export async function runIdeCommand(io: Io, body: () => Promise<number> | number): Promise<number> {
  writeEvent(io, { type: "hello", protocol: IDE_PROTOCOL_VERSION, doppel: packageJson.version });
  try {
    return await body();
  } catch (error) {
    writeEvent(io, errorEvent(error));
    return error instanceof DoppelError ? 1 : 2;
  }
}

/** A JSON object given on the command line (`--env-json`, `--overrides-json`). */
function parseJsonObject(option: string, text: unknown): Record<string, unknown> {
  if (text === undefined) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(String(text));
  } catch (error) {
    throw doppelError.ideBadRequest(option, `is not valid JSON: ${(error as Error).message}`);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw doppelError.ideBadRequest(option, "must be a JSON object");
  }
  return parsed as Record<string, unknown>;
}

/** `--env-json`: the launch's environment as a JSON object of strings. */
export function parseEnvJson(text: unknown): Record<string, string> {
  return Object.fromEntries(
    Object.entries(parseJsonObject("--env-json", text)).filter(
      (entry): entry is [string, string] => typeof entry[1] === "string",
    ),
  );
}

/** `--overrides-json`: configuration keys the IDE sets for one launch, shaped like a configuration file. */
export function parseOverridesJson(text: unknown): ConfigOverrides {
  return parseJsonObject("--overrides-json", text) as ConfigOverrides;
}
