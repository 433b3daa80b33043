// "Select active config": the candidate files of every workspace folder (from the core's rules), plus "Clear".
// The choice holds for every session until cleared.
import { relative } from "node:path";
import * as vscode from "vscode";
import type { IdeClient } from "../ide-client.ts";
import type { DoppelState } from "../state.ts";

const CLEAR = "Clear (use the rules: DOPPEL_CONFIG_FILE, then the folder's .doppel/ default)";

export async function selectActiveConfig(client: () => Promise<IdeClient>, state: DoppelState): Promise<void> {
  const quickPick = vscode.window.createQuickPick<vscode.QuickPickItem & { path: string | null }>();
  quickPick.title = "doppel: select active config";
  quickPick.placeholder = "The configuration every doppel session uses until cleared";
  quickPick.busy = true;
  quickPick.show();
  try {
    const ide = await client();
    const items: (vscode.QuickPickItem & { path: string | null })[] = [];
    for (const folder of vscode.workspace.workspaceFolders ?? []) {
      const { candidates } = await ide.request(["configs", "--workspace", folder.uri.fsPath], "configs");
      for (const path of candidates) {
        items.push({
          label: relative(folder.uri.fsPath, path),
          description: path === state.activeConfig ? "active" : folder.name,
          path,
        });
      }
    }
    items.push({ label: CLEAR, path: null });
    quickPick.items = items;
    quickPick.busy = false;
    const picked = await new Promise<(vscode.QuickPickItem & { path: string | null }) | undefined>((resolve) => {
      quickPick.onDidAccept(() => resolve(quickPick.selectedItems[0]));
      quickPick.onDidHide(() => resolve(undefined));
    });
    if (picked !== undefined) await state.setActiveConfig(picked.path);
  } finally {
    quickPick.dispose();
  }
}
