// The target quick-pick, shown when the resolved configuration names no target: the targets of the namespace
// grouped by kind, "Select another namespace…" and "No target (targetless)". Escape cancels the launch.
import * as vscode from "vscode";
import type { IdeClient } from "../ide-client.ts";

export const TARGETLESS = "targetless";
const ANOTHER_NAMESPACE = "$namespace";

type TargetItem = vscode.QuickPickItem & { value?: string };

function itemsOf(targets: Awaited<ReturnType<typeof listTargets>>): TargetItem[] {
  const items: TargetItem[] = [];
  const kinds = [...new Set(targets.targets.map((target) => target.kind))];
  for (const kind of kinds) {
    items.push({ label: kind, kind: vscode.QuickPickItemKind.Separator });
    for (const target of targets.targets.filter((t) => t.kind === kind)) {
      items.push({ label: target.path, description: target.name, detail: target.detail, value: target.path });
    }
  }
  items.push({ label: "", kind: vscode.QuickPickItemKind.Separator });
  items.push({ label: "Select another namespace…", value: ANOTHER_NAMESPACE });
  items.push({ label: "No target (targetless)", value: TARGETLESS });
  return items;
}

function listTargets(client: IdeClient, configArgs: readonly string[], namespace: string | null) {
  return client.request(["targets", ...configArgs, ...(namespace ? ["--namespace", namespace] : [])], "targets");
}

async function pickNamespace(known: readonly string[]): Promise<string | undefined> {
  if (known.length === 0) {
    return vscode.window.showInputBox({ title: "doppel: namespace", prompt: "The Kubernetes namespace to list" });
  }
  return vscode.window.showQuickPick([...known], { title: "doppel: select a namespace" });
}

/** The chosen target path (or "targetless"); undefined when the user pressed Escape. */
export async function pickTarget(client: IdeClient, configArgs: readonly string[]): Promise<string | undefined> {
  let namespace: string | null = null;
  for (;;) {
    const quickPick = vscode.window.createQuickPick<TargetItem>();
    quickPick.title = "doppel: select the target to run as";
    quickPick.placeholder = "Loading targets…";
    quickPick.matchOnDescription = true;
    quickPick.matchOnDetail = true;
    quickPick.busy = true;
    quickPick.show();
    try {
      const targets = await listTargets(client, configArgs, namespace);
      quickPick.items = itemsOf(targets);
      quickPick.placeholder = `Targets${targets.namespace ? ` in namespace ${targets.namespace}` : ""} (Escape cancels the launch)`;
      quickPick.busy = false;
      const picked = await new Promise<TargetItem | undefined>((resolve) => {
        quickPick.onDidAccept(() => resolve(quickPick.selectedItems[0]));
        quickPick.onDidHide(() => resolve(undefined));
      });
      if (picked?.value !== ANOTHER_NAMESPACE) return picked?.value;
      const chosen = await pickNamespace(targets.namespaces);
      if (chosen === undefined) return undefined;
      namespace = chosen;
    } finally {
      quickPick.dispose();
    }
  }
}
