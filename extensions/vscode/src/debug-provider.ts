// Runs every launch through doppel when it is on: registered for all debug types, after variable substitution.
// The adapter table says where the environment goes; the core (`doppel ide`) chooses the configuration, lists
// targets and opens the session, whose environment is injected into the launch configuration. The session
// ends with the debug session.
import * as vscode from "vscode";
import { adapterFor, injectEnv, readLaunchEnv } from "./adapters.ts";
import { type IdeClient, IdeCommandError, IdeProtocolError, type RunningSession } from "./ide-client.ts";
import { configArgs, decideLaunch } from "./launch-rules.ts";
import type { DoppelState } from "./state.ts";
import { startArgs, type TargetChoice } from "./target-choice.ts";
import { showIdeError } from "./ui/errors.ts";
import { pickTarget } from "./ui/target-picker.ts";

/** Marks a launch configuration that carries a doppel session (its id), so it is not handled twice. */
export const SESSION_KEY = "__doppelSession";
/** Set on a relaunch asked for from an error's "Select target": the picker is shown whatever the config says. */
const PICK_TARGET_KEY = "__doppelPickTarget";
/** Child sessions debuggers start for themselves (js-debug's per-process sessions) are none of our business. */
const DEBUGGER_CHILD_KEYS = ["__pendingTargetId", "__parentId"];

export interface DebugProviderDeps {
  state: DoppelState;
  client(): Promise<IdeClient>;
  output: vscode.OutputChannel;
}

export class DoppelDebugProvider implements vscode.DebugConfigurationProvider, vscode.Disposable {
  private readonly sessions = new Map<string, RunningSession>();
  private attachNoticeShown = false;
  private readonly terminated: vscode.Disposable;

  constructor(private readonly deps: DebugProviderDeps) {
    this.terminated = vscode.debug.onDidTerminateDebugSession((session) => {
      const id = session.configuration[SESSION_KEY];
      if (typeof id === "string") void this.stopSession(id);
    });
  }

  private async stopSession(id: string): Promise<void> {
    const session = this.sessions.get(id);
    if (session === undefined) return;
    this.sessions.delete(id);
    this.deps.output.appendLine(`doppel: ending session ${id}`);
    await session.stop();
  }

  async resolveDebugConfigurationWithSubstitutedVariables(
    folder: vscode.WorkspaceFolder | undefined,
    config: vscode.DebugConfiguration,
    token: vscode.CancellationToken,
  ): Promise<vscode.DebugConfiguration | undefined> {
    if (SESSION_KEY in config || DEBUGGER_CHILD_KEYS.some((key) => key in config)) return config;
    const adapter = adapterFor(config.type);
    const launchEnv = readLaunchEnv(adapter, config);
    const decision = decideLaunch(config.request, launchEnv, this.deps.state.enabled);
    if (!decision.run) {
      if (decision.reason === "attach") this.noticeAttach();
      else this.deps.output.appendLine(`doppel: "${config.name}" runs without doppel (${decision.reason})`);
      return config;
    }
    const workspace = folder?.uri.fsPath ?? vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    if (workspace === undefined) {
      void vscode.window.showWarningMessage(
        "doppel needs a workspace folder to find its configuration; launching without doppel.",
      );
      return config;
    }
    const configRequest = { workspace, activeOverride: this.deps.state.activeConfig, launchEnv };
    const chooseConfig = configArgs(configRequest);
    try {
      const client = await this.deps.client();
      let choice: TargetChoice | undefined;
      if (!config[PICK_TARGET_KEY]) {
        const { target } = await client.request(["resolve", ...chooseConfig], "config");
        if (target !== null) choice = { path: target, namespace: null };
      }
      if (choice === undefined) {
        choice = await pickTarget(client, chooseConfig);
        if (choice === undefined) {
          this.deps.output.appendLine(`doppel: "${config.name}" not launched: no target was chosen (Escape)`);
          return undefined;
        }
      }
      const args = startArgs(configRequest, choice);
      if (adapter.helperProcesses.length > 0) args.push("--skip-processes", adapter.helperProcesses.join(","));
      if (Object.keys(adapter.configOverrides).length > 0) {
        args.push("--overrides-json", JSON.stringify(adapter.configOverrides));
      }
      const session = await this.start(client, args, config.name, token);
      if (session === undefined) return undefined;
      const { id } = session.ready.session;
      this.sessions.set(id, session);
      void session.ended.then(() => this.sessions.delete(id));
      this.deps.output.appendLine(`doppel: session ${id} for "${config.name}" on ${session.ready.session.target}`);
      const { [PICK_TARGET_KEY]: _picked, ...launch } = config;
      return {
        ...injectEnv(adapter, launch, session.ready.env, session.ready.unset),
        [SESSION_KEY]: id,
      };
    } catch (error) {
      this.report(error, folder, config);
      return undefined;
    }
  }

  private start(client: IdeClient, args: string[], name: string, token: vscode.CancellationToken) {
    return vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `doppel: ${name}`, cancellable: true },
      async (progress, progressToken) => {
        const abort = new AbortController();
        const cancel = () => abort.abort();
        const listeners = [token.onCancellationRequested(cancel), progressToken.onCancellationRequested(cancel)];
        try {
          return await client.start(
            args,
            {
              progress: (event) => progress.report({ message: `${event.phase}: ${event.message}` }),
              log: (event) => {
                if (event.level === "error" || event.level === "warning")
                  void vscode.window.showWarningMessage(`doppel: ${event.message}`);
              },
            },
            abort.signal,
          );
        } catch (error) {
          if (abort.signal.aborted) return undefined;
          throw error;
        } finally {
          for (const listener of listeners) listener.dispose();
        }
      },
    );
  }

  private report(error: unknown, folder: vscode.WorkspaceFolder | undefined, config: vscode.DebugConfiguration): void {
    if (error instanceof IdeCommandError) {
      this.deps.output.appendLine(`doppel: ${error.event.code}: ${error.event.message}`);
      showIdeError(error.event, () => void vscode.debug.startDebugging(folder, { ...config, [PICK_TARGET_KEY]: true }));
    } else if (error instanceof IdeProtocolError) {
      this.deps.output.appendLine(`doppel: ${error.message}`);
      void vscode.window.showErrorMessage(`doppel: ${error.message}`);
    } else {
      this.deps.output.appendLine(`doppel: unexpected failure: ${(error as Error).stack ?? String(error)}`);
      void vscode.window.showErrorMessage(
        `doppel failed unexpectedly: ${(error as Error).message}. The output has details.`,
      );
    }
  }

  private noticeAttach(): void {
    if (this.attachNoticeShown) return;
    this.attachNoticeShown = true;
    void vscode.window.showInformationMessage(
      "doppel leaves attach configurations alone: it has to start the process to load its layer. Use a launch configuration to run it with doppel.",
    );
  }

  dispose(): void {
    this.terminated.dispose();
    for (const id of [...this.sessions.keys()]) void this.stopSession(id);
  }
}
