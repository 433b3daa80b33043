// The "doppel" status-bar item: one update function turns the state into its text, tooltip and colour.
import { basename } from "node:path";
import * as vscode from "vscode";
import { Command } from "../identity.ts";
import type { DoppelState } from "../state.ts";

export function createStatusBar(state: DoppelState): vscode.Disposable {
  const item = vscode.window.createStatusBarItem("doppel.status", vscode.StatusBarAlignment.Left, 100);
  item.name = "doppel";
  item.command = Command.menu;
  const update = () => {
    item.text = state.enabled ? "$(debug-alt) doppel: on" : "$(debug-disconnect) doppel: off";
    const config = state.activeConfig === null ? "chosen by the rules" : basename(state.activeConfig);
    item.tooltip = `doppel is ${state.enabled ? "on" : "off"} for run and debug sessions (click for the menu)\nActive config: ${config}`;
    item.backgroundColor = state.enabled ? new vscode.ThemeColor("statusBarItem.warningBackground") : undefined;
    item.show();
  };
  update();
  const listener = state.onDidChange(update);
  return vscode.Disposable.from(item, listener);
}
