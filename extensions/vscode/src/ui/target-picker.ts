// The target quick-pick, shown when the resolved configuration names no target: the targets of the namespace
// grouped by kind under separators, "Select another namespace…" and "No target (targetless)". Escape, here or in
// the namespace step, cancels the launch.
import * as vscode from "vscode";
import type { IdeClient } from "../ide-client.ts";
import {
  choiceOf,
  groupTargets,
  otherNamespaces,
  type TargetChoice,
  type TargetsLine,
  targetlessIn,
} from "../target-choice.ts";

const ANOTHER_NAMESPACE = Symbol("another namespace");
/** A Kubernetes namespace name (DNS-1123 label). */
const NAMESPACE_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const NAMESPACE_RULE =
  "a namespace name: lower-case letters, digits and '-', starting and ending with a letter or digit";

/** A row: a choice, the namespace step, or a warning of the listing (accepting it does nothing). */
type TargetItem = vscode.QuickPickItem & { value?: TargetChoice | typeof ANOTHER_NAMESPACE };

function itemsOf(targets: TargetsLine, warnings: readonly string[]): TargetItem[] {
  // Warnings on top, where they are seen; typing filters them away.
  const items: TargetItem[] = warnings.map((warning) => ({ label: `$(warning) ${warning}` }));
  for (const group of groupTargets(targets.targets)) {
    items.push({ label: group.title, kind: vscode.QuickPickItemKind.Separator });
    for (const target of group.targets) {
      items.push({
        label: target.available ? target.path : `$(circle-slash) ${target.path}`,
        description: target.name,
        detail: target.detail,
        value: choiceOf(target),
      });
    }
  }
  items.push({ label: "", kind: vscode.QuickPickItemKind.Separator });
  items.push({
    label: "Select another namespace…",
    description: targets.namespace === null ? undefined : `now: ${targets.namespace}`,
    value: ANOTHER_NAMESPACE,
    alwaysShow: true,
  });
  items.push({ label: "No target (targetless)", value: targetlessIn(targets), alwaysShow: true });
  return items;
}

/** The listing and the warnings doppel wrote before it (no cluster, kinds the user may not list). */
async function listTargets(client: IdeClient, configArgs: readonly string[], namespace: string | null) {
  const warnings: string[] = [];
  const args = ["targets", ...configArgs, ...(namespace ? ["--namespace", namespace] : [])];
  const targets = await client.request(args, "targets", (log) => {
    if (log.level === "warning" || log.level === "error") warnings.push(log.message);
  });
  return { targets, warnings };
}

/**
 * What the input yields on accept (an accept that yields undefined is ignored), or undefined once it closes.
 * Steps replace each other without hiding first: a moment without a visible input hands the focus back to the
 * editor, and the next input would then close at once for losing the focus.
 */
function answerOf<T>(input: vscode.QuickPick<vscode.QuickPickItem> | vscode.InputBox, read: () => T | undefined) {
  return new Promise<T | undefined>((resolve) => {
    input.onDidAccept(() => {
      const value = read();
      if (value !== undefined) resolve(value);
    });
    input.onDidHide(() => resolve(undefined));
  });
}

/** The namespace step, shown over the target list: the listed namespaces, or a box to type one when there are none. */
function askNamespace(targets: TargetsLine): { input: vscode.QuickInput; answer: Promise<string | undefined> } {
  const others = otherNamespaces(targets);
  const now = targets.namespace === null ? "" : ` (now: ${targets.namespace})`;
  if (others.length > 0) {
    const pick = vscode.window.createQuickPick();
    pick.title = "doppel: select a namespace";
    pick.placeholder = `The namespace to list targets in${now}`;
    pick.items = others.map((label) => ({ label }));
    pick.show();
    return { input: pick, answer: answerOf(pick, () => pick.selectedItems[0]?.label) };
  }
  const box = vscode.window.createInputBox();
  box.title = "doppel: namespace";
  box.prompt = `The Kubernetes namespace to list targets in${now}; doppel could list no other namespace`;
  box.onDidChangeValue((value) => {
    box.validationMessage = value === "" || NAMESPACE_NAME.test(value) ? undefined : NAMESPACE_RULE;
  });
  box.show();
  return { input: box, answer: answerOf(box, () => (NAMESPACE_NAME.test(box.value) ? box.value : undefined)) };
}

/** The chosen target and the namespace it was listed in; undefined when the user pressed Escape. */
export async function pickTarget(client: IdeClient, configArgs: readonly string[]): Promise<TargetChoice | undefined> {
  let namespace: string | null = null;
  let shown: vscode.QuickInput | undefined;
  const replace = (input: vscode.QuickInput) => {
    shown?.dispose();
    shown = input;
  };
  try {
    for (;;) {
      const quickPick = vscode.window.createQuickPick<TargetItem>();
      quickPick.title = "doppel: select the target to run as";
      quickPick.placeholder = "Loading targets…";
      quickPick.matchOnDescription = true;
      quickPick.matchOnDetail = true;
      quickPick.busy = true;
      const picked = answerOf(quickPick, () => quickPick.selectedItems.find((item) => item.value !== undefined));
      quickPick.show();
      replace(quickPick);
      // Escape while the list loads cancels at once (the listing has no items to accept yet).
      const listed = await Promise.race([listTargets(client, configArgs, namespace), picked.then(() => undefined)]);
      if (listed === undefined) return undefined;
      const { targets, warnings } = listed;
      quickPick.items = itemsOf(targets, warnings);
      // Enter takes the first target, not a warning row above it (unless the user typed a filter meanwhile).
      if (quickPick.value === "") {
        quickPick.activeItems = quickPick.items.filter((item) => item.value !== undefined).slice(0, 1);
      }
      quickPick.placeholder = `Targets${targets.namespace ? ` in namespace ${targets.namespace}` : ""} (Escape cancels the launch)`;
      quickPick.busy = false;
      const item = await picked;
      if (item?.value === undefined) return undefined;
      if (item.value !== ANOTHER_NAMESPACE) return item.value;
      const step = askNamespace(targets);
      replace(step.input);
      const chosen = await step.answer;
      if (chosen === undefined) return undefined;
      namespace = chosen;
    }
  } finally {
    shown?.dispose();
  }
}
