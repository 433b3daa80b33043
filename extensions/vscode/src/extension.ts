// Entry point: everything is built in activate.ts.
import type { ExtensionContext } from "vscode";
import { activateDoppel } from "./activate.ts";

export function activate(context: ExtensionContext): void {
  activateDoppel(context);
}

export function deactivate(): void {}
