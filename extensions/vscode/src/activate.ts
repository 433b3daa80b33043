// The composition root: output channel, state, the doppel installation (resolved in the background), the
// status bar and menu, the commands and the debug provider, every disposable on the context.
import { join } from "node:path";
import * as vscode from "vscode";
import { resolveInstallation } from "./binary/manager.ts";
import { DoppelDebugProvider } from "./debug-provider.ts";
import { IDE_PROTOCOL_VERSION, IdeClient } from "./ide-client.ts";
import { Command, Setting } from "./identity.ts";
import { readSetting, registerCommand } from "./settings.ts";
import { DoppelState } from "./state.ts";
import { showMenu } from "./ui/menu.ts";
import { selectActiveConfig } from "./ui/select-config.ts";
import { createStatusBar } from "./ui/status-bar.ts";

export function activateDoppel(context: vscode.ExtensionContext): void {
  const output = vscode.window.createOutputChannel("doppel");
  const state = new DoppelState(context.workspaceState);
  const version = (context.extension.packageJSON as { version: string }).version;

  const resolveClient = async (): Promise<IdeClient> => {
    const { installation, notice } = await resolveInstallation({
      bundledRoot: join(context.extensionPath, "bundled"),
      bundledVersion: version,
      storageDir: context.globalStorageUri.fsPath,
      autoUpdate: readSetting(Setting.autoUpdate),
      releaseUrl: readSetting(Setting.releaseUrl),
      binaryPath: readSetting(Setting.binaryPath),
      protocol: IDE_PROTOCOL_VERSION,
      log: (text) => output.appendLine(text),
    });
    if (notice !== null) void vscode.window.showWarningMessage(notice);
    output.appendLine(`doppel: using the ${installation.source} CLI ${installation.cli} (${installation.version})`);
    return new IdeClient({
      cli: { node: process.execPath, args: [installation.cli] },
      log: (text) => output.appendLine(text),
    });
  };
  let client = resolveClient();
  const provider = new DoppelDebugProvider({ state, output, client: () => client });

  context.subscriptions.push(
    output,
    state,
    createStatusBar(state),
    provider,
    vscode.debug.registerDebugConfigurationProvider("*", provider),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if ([Setting.autoUpdate, Setting.releaseUrl, Setting.binaryPath].some((s) => event.affectsConfiguration(s))) {
        client = resolveClient();
      }
    }),
    registerCommand(Command.menu, () => showMenu(state)),
    registerCommand(Command.toggle, () => state.setEnabled(!state.enabled)),
    registerCommand(Command.selectActiveConfig, () => selectActiveConfig(() => client, state)),
    registerCommand(Command.showOutput, () => output.show()),
    registerCommand(Command.openSettings, () =>
      vscode.commands.executeCommand("workbench.action.openSettings", "@ext:doppel.doppel"),
    ),
  );
}
