// The menu behind the status-bar item: every entry is a command, so the palette offers the same.
import * as vscode from "vscode";
import { COMMAND_TITLES, Command } from "../identity.ts";
import type { DoppelState } from "../state.ts";

const MENU_ENTRIES = [Command.toggle, Command.selectActiveConfig, Command.showOutput, Command.openSettings] as const;

export async function showMenu(state: DoppelState): Promise<void> {
  const items = MENU_ENTRIES.map((command) => ({
    command,
    label:
      command === Command.toggle ? (state.enabled ? "Turn doppel off" : "Turn doppel on") : COMMAND_TITLES[command],
  }));
  const picked = await vscode.window.showQuickPick(items, { title: "doppel", placeHolder: "doppel" });
  if (picked) await vscode.commands.executeCommand(picked.command);
}
