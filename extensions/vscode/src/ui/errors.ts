// An error from `doppel ide` as a notification whose buttons are the actions the core offers for it.
import * as vscode from "vscode";
import type { ErrorEvent } from "../ide-client.ts";
import { Command } from "../identity.ts";

type Action = ErrorEvent["actions"][number];

const ACTION_TITLES: Record<Action, string> = {
  "open-config": "Open config",
  "select-target": "Select target",
  "open-settings": "Open settings",
  "show-output": "Show output",
};

async function openConfigAt(error: ErrorEvent): Promise<void> {
  if (error.file === null) return;
  const document = await vscode.workspace.openTextDocument(error.file);
  const position = new vscode.Position(Math.max(0, (error.line ?? 1) - 1), Math.max(0, (error.column ?? 1) - 1));
  await vscode.window.showTextDocument(document, { selection: new vscode.Range(position, position) });
}

/**
 * Shows the error without blocking the caller. `selectTarget` runs when the user asks for the target picker.
 */
export function showIdeError(error: ErrorEvent, selectTarget: () => void): void {
  const detail = error.problems.length > 1 ? ` (+${error.problems.length - 1} more problems, see the output)` : "";
  const text = `doppel: ${error.message}${detail}${error.hint ? ` — ${error.hint}` : ""}`;
  void vscode.window.showErrorMessage(text, ...error.actions.map((a) => ACTION_TITLES[a])).then(async (title) => {
    const action = error.actions.find((a) => ACTION_TITLES[a] === title);
    if (action === "open-config") await openConfigAt(error);
    else if (action === "select-target") selectTarget();
    else if (action === "open-settings") await vscode.commands.executeCommand(Command.openSettings);
    else if (action === "show-output") await vscode.commands.executeCommand(Command.showOutput);
  });
}
