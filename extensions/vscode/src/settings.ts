// Typed reads of the extension's settings (identity.ts), and the commands' registration by id.
import * as vscode from "vscode";
import { type Command, SETTING_SCHEMAS, type Setting, type SettingValues } from "./identity.ts";

export function readSetting<S extends Setting>(setting: S, scope?: vscode.ConfigurationScope): SettingValues[S] {
  const [section, key] = setting.split(".") as [string, string];
  return vscode.workspace.getConfiguration(section, scope).get<SettingValues[S]>(key, SETTING_SCHEMAS[setting].default);
}

export function registerCommand(command: Command, run: () => unknown): vscode.Disposable {
  return vscode.commands.registerCommand(command, run);
}
