// The window's doppel state: on or off for run and debug sessions (starts from doppel.enabledByDefault), and the
// active configuration override (kept per workspace until cleared). Listeners hear every change.
import * as vscode from "vscode";
import { Setting } from "./identity.ts";
import { readSetting } from "./settings.ts";

const ACTIVE_CONFIG_KEY = "doppel.activeConfig";

export class DoppelState implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private on = readSetting(Setting.enabledByDefault);

  constructor(private readonly workspaceState: vscode.Memento) {}

  get enabled(): boolean {
    return this.on;
  }

  setEnabled(on: boolean): void {
    this.on = on;
    this.changed.fire();
  }

  get activeConfig(): string | null {
    return this.workspaceState.get<string>(ACTIVE_CONFIG_KEY) ?? null;
  }

  async setActiveConfig(path: string | null): Promise<void> {
    await this.workspaceState.update(ACTIVE_CONFIG_KEY, path ?? undefined);
    this.changed.fire();
  }

  dispose(): void {
    this.changed.dispose();
  }
}
