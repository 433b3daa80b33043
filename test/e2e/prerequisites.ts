// What the end-to-end tests run: the native layer and the agent bundle. Built here when missing, so a test file
// also runs on its own; the test command builds them first anyway.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { agentEntryPath } from "../../shared/session/local-agent.ts";
import { layerLibraryPath } from "../../shared/session/open-session.ts";
import { repoRoot } from "./doppel-run.ts";

export function buildPrerequisites(): void {
  if (process.getuid?.() !== 0 || process.platform !== "linux") {
    throw new Error("the end-to-end tests need root on Linux (namespaced pods, a local agent next to them)");
  }
  if (!existsSync(layerLibraryPath()))
    execFileSync("make", ["-C", "native-layer"], { cwd: repoRoot, stdio: "inherit" });
  if (!existsSync(agentEntryPath()))
    execFileSync("npm", ["run", "build", "-w", "agent"], { cwd: repoRoot, stdio: "inherit" });
}
