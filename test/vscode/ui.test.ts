// The extension in a real VS Code (code-server in headless chromium), against a namespaced pod of the test bed:
// the status-bar menu turns doppel on; a node launch configuration asks for a target, and the app under the
// debugger receives the pod's mirrored request, reads the pod-only file and sees the pod's variable; stopping
// the debug session ends the doppel session; Escape in the target picker cancels the launch and leaves nothing
// behind; "Select another namespace…" lists the typed namespace (no cluster here: KUBECONFIG names no file) and
// "No target (targetless)" reaches doppel with it; DOPPEL_ACTIVE=0 runs without doppel; "Select active config"
// changes the configuration; a broken configuration shows an error notification that opens the file at the
// problem. A screenshot of every step goes to test/artifacts/vscode/.
// Needs root, scripts/install-code-server, and `npm run package` in extensions/vscode.
import assert from "node:assert/strict";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { buildPrerequisites } from "../e2e/prerequisites.ts";
import { createTestBed, type Pod, type TestBed } from "../pod/index.ts";
import { CodeServer, missingPrerequisite } from "./code-server.ts";
import {
  killDebuggees,
  ideSessions as listIdeSessions,
  noIdeSessionLeft,
  type ResultLine,
  readResults,
  waitForResult,
} from "./debuggee.ts";

const skip = missingPrerequisite();
const podFile = "/srv/dpl-vscode/pod-only.txt";
const podFileContent = "only the pod has this file";
const podVariable = "DPL_VSCODE_POD_ONLY";
const podVariableValue = "set only in the pod";
const offPort = 18_917;
const noKubeconfig = "/nonexistent/dpl-vscode-kubeconfig";
// biome-ignore lint/suspicious/noTemplateCurlyInString: a launch.json variable, substituted by VS Code
const program = "${workspaceFolder}/app.mjs";

let bed: TestBed;
let pod: Pod;
let workspace: string;
let vscode: CodeServer;
const results = () => join(workspace, "results.jsonl");
const resultsOff = () => join(workspace, "results-off.jsonl");

function write(name: string, text: string): string {
  const path = join(workspace, name);
  mkdirSync(join(path, ".."), { recursive: true });
  writeFileSync(path, text);
  return path;
}

/** The first line of `file` that matches (after `skip` earlier matches), waiting for the app to write it. */
function lineOf(file: string, match: (line: ResultLine) => boolean, what: string, skip = 0): Promise<ResultLine> {
  return waitForResult(file, match, what, {
    skip,
    onTimeout: () => vscode.screenshot(`failed-${what.replaceAll(" ", "-")}`),
  });
}

const ideSessions = () => listIdeSessions(workspace);
const startDebugging = (configName: string) => vscode.startDebugging(configName);

/** The debug toolbar's stop button, then no doppel session may be left. */
async function stopDebugging(): Promise<void> {
  await vscode.stopDebugging();
  await noIdeSessionLeft(workspace);
}

before(async () => {
  if (skip) return;
  buildPrerequisites();
  bed = await createTestBed();
  pod = await bed.pod({ name: "vs", env: { [podVariable]: podVariableValue }, files: { [podFile]: podFileContent } });
  workspace = mkdtempSync(join(tmpdir(), "dpl-vscode-ws-"));
  copyFileSync(new URL("./fixtures/app.mjs", import.meta.url), join(workspace, "app.mjs"));
  const appEnv = { RESULTS: results(), FILE: podFile, VARIABLE: podVariable };
  write(
    ".vscode/launch.json",
    JSON.stringify(
      {
        version: "0.2.0",
        configurations: [
          {
            type: "node",
            request: "launch",
            name: "app",
            program,
            env: { ...appEnv, PORT: String(pod.port) },
          },
          {
            type: "node",
            request: "launch",
            name: "app without doppel",
            program,
            env: { ...appEnv, RESULTS: resultsOff(), PORT: String(offPort), DOPPEL_ACTIVE: "0" },
          },
        ],
      },
      null,
      2,
    ),
  );
  write(".doppel/doppel.json", "{}\n");
  write(
    "configs/pinned-doppel.json",
    JSON.stringify({ target: `pid/${pod.pid}`, feature: { env: { override: { DPL_WHICH_CONFIG: "pinned" } } } }),
  );
  write("configs/broken-doppel.json", '{\n  "feature": {\n    "fs": { "mode": "sideways" }\n  }\n}\n');
  // No cluster for this file, whatever the machine's ~/.kube/config says: its targets are local processes.
  vscode = await CodeServer.start({ workspace, env: { KUBECONFIG: noKubeconfig } });
});

after(async () => {
  await vscode?.close();
  if (workspace) killDebuggees(workspace);
  await bed?.destroy();
  if (workspace) rmSync(workspace, { recursive: true, force: true });
});

const statusItem = () => vscode.page.locator('[id="doppel.doppel.doppel.status"]');

test("the status-bar item opens the menu, which turns doppel on", { skip: skip ?? false }, async () => {
  await statusItem().waitFor();
  assert.match((await statusItem().textContent()) ?? "", /doppel: off/);
  await vscode.screenshot("01-status-bar-off");
  await statusItem().click();
  await vscode.page.locator(".quick-input-widget", { hasText: "Turn doppel on" }).waitFor();
  await vscode.screenshot("02-menu");
  await vscode.answerQuickPick("Turn doppel on");
  await vscode.page.locator('[id="doppel.doppel.doppel.status"]', { hasText: "doppel: on" }).waitFor();
  await vscode.screenshot("03-status-bar-on");
});

test("a node launch asks for the target; the app gets the pod's traffic, file and environment", {
  skip: skip ?? false,
}, async () => {
  await startDebugging("app");
  await vscode.page
    .locator(".quick-input-widget", { hasText: "select the target to run as" })
    .waitFor({ timeout: 30_000 });
  await vscode.screenshot("04-target-picker");
  await vscode.filterQuickPick(`pid/${pod.pid}`);
  const listening = await lineOf(results(), (line) => "listening" in line, "the app listening");
  assert.match(String(listening.preload), /libdoppel_layer\.so/);
  await vscode.screenshot("05-debugging-with-doppel");
  assert.equal(await (await fetch(pod.url("/mirrored-to-vscode"))).text(), "pod vs: GET /mirrored-to-vscode\n");
  const served = await lineOf(results(), (line) => line.path === "/mirrored-to-vscode", "the mirrored request");
  assert.deepEqual(served, {
    path: "/mirrored-to-vscode",
    file: podFileContent,
    variable: podVariableValue,
    config: null,
  });
  await stopDebugging();
  await vscode.screenshot("06-stopped");
});

const targetPicker = () => vscode.page.locator(".quick-input-widget", { hasText: "select the target to run as" });
const launchesWithDoppel = () => readResults(results()).filter((line) => "listening" in line).length;

test("Escape in the target picker cancels the launch: no debug session, no doppel session, no error", {
  skip: skip ?? false,
}, async () => {
  const statusBefore = await statusItem().textContent();
  const launchesBefore = launchesWithDoppel();
  const outputBefore = vscode.doppelOutput().length;
  await startDebugging("app");
  await targetPicker().waitFor({ timeout: 30_000 });
  await vscode.page.locator(".quick-input-list .monaco-list-row", { hasText: `pid/${pod.pid}` }).waitFor();
  await vscode.page.keyboard.press("Escape");
  await targetPicker().waitFor({ state: "hidden" });
  // The extension's answer to the cancelled launch; everything below is checked after it.
  await vscode.waitForOutput(`"app" not launched: no target was chosen`);
  await vscode.screenshot("06a-escape-cancelled");
  assert.equal(await vscode.page.locator(".debug-toolbar").isVisible(), false, "no debug session started");
  assert.equal(await vscode.page.locator(".notification-toast", { hasText: "doppel" }).count(), 0, "no notification");
  assert.equal(await statusItem().textContent(), statusBefore, "the status bar is unchanged");
  assert.deepEqual(ideSessions(), [], "no doppel session");
  assert.doesNotMatch(vscode.doppelOutput().slice(outputBefore), /\$ doppel ide start/, "doppel ide start never ran");
  assert.equal(launchesWithDoppel(), launchesBefore, "the app did not start");
});

test('"Select another namespace…" lists that namespace; "No target (targetless)" asks doppel for a targetless session', {
  skip: skip ?? false,
}, async () => {
  await startDebugging("app");
  await targetPicker().waitFor({ timeout: 30_000 });
  await vscode.page.locator(".quick-input-list .monaco-list-row", { hasText: `pid/${pod.pid}` }).waitFor();
  // Local pid targets are grouped under their kind's separator.
  await vscode.page.locator(".quick-input-list .monaco-list-row", { hasText: "local processes (pid)" }).waitFor();
  // Why no Kubernetes targets are listed is a row of the picker.
  await vscode.page.locator(".quick-input-list .monaco-list-row", { hasText: "no Kubernetes targets" }).waitFor();
  await vscode.screenshot("06b-targets-by-kind");
  // Typed, not clicked: the list holds every local process in a network namespace of its own on this machine,
  // so the last rows may be scrolled out of view.
  await vscode.filterQuickPick("Select another namespace");
  // No cluster here: nothing to list, so the namespace is typed.
  const namespaceBox = vscode.page.locator(".quick-input-widget", { hasText: "doppel: namespace" });
  await namespaceBox.waitFor();
  await vscode.screenshot("06c-another-namespace");
  await vscode.page.locator(".quick-input-widget .quick-input-box input").fill("dpl-elsewhere");
  await vscode.page.keyboard.press("Enter");
  await vscode.page.locator('.quick-input-box input[placeholder*="in namespace dpl-elsewhere"]').waitFor();
  await vscode.waitForOutput("--namespace dpl-elsewhere");
  await vscode.screenshot("06d-targets-in-namespace");
  await vscode.filterQuickPick("No target");
  // There is no cluster for a targetless agent (it would run in the chosen namespace): doppel says so.
  const toast = vscode.page.locator(".notification-toast", { hasText: noKubeconfig });
  await toast.waitFor({ timeout: 30_000 });
  const started = [...vscode.doppelOutput().matchAll(/\$ doppel ide start (.*)/g)].at(-1)?.[1] ?? "";
  assert.match(started, /--target targetless/);
  assert.match(started, /"DOPPEL_AGENT_NAMESPACE":"dpl-elsewhere"/);
  await vscode.screenshot("06e-targetless-refused");
  assert.equal(await vscode.page.locator(".debug-toolbar").isVisible(), false);
  assert.deepEqual(ideSessions(), []);
});

test("DOPPEL_ACTIVE=0 in the launch env runs the app without doppel", { skip: skip ?? false }, async () => {
  await startDebugging("app without doppel");
  const listening = await lineOf(resultsOff(), (line) => "listening" in line, "the app listening");
  assert.equal(listening.preload, null);
  await fetch(`http://127.0.0.1:${offPort}/local`);
  const served = await lineOf(resultsOff(), (line) => line.path === "/local", "the local request");
  assert.deepEqual(served, { path: "/local", file: "error: ENOENT", variable: null, config: null });
  await vscode.screenshot("07-doppel-active-0");
  assert.deepEqual(ideSessions(), []);
  await stopDebugging();
});

test("Select active config switches every launch to that configuration", { skip: skip ?? false }, async () => {
  await vscode.runCommand("doppel: Select active config");
  await vscode.page.locator(".quick-input-widget", { hasText: "select active config" }).waitFor();
  await vscode.screenshot("08-select-active-config");
  await vscode.answerQuickPick("pinned-doppel");
  await startDebugging("app");
  // The pinned configuration names the target: no picker; its env override reaches the app.
  await lineOf(results(), (line) => "listening" in line, "the app listening again", 1);
  await fetch(pod.url("/with-pinned-config"));
  const served = await lineOf(results(), (line) => line.path === "/with-pinned-config", "the pinned request");
  assert.equal(served.config, "pinned");
  assert.equal(served.file, podFileContent);
  await vscode.screenshot("09-active-config-used");
  await stopDebugging();
});

test("a broken configuration shows an error notification that opens the file at the problem", {
  skip: skip ?? false,
}, async () => {
  await vscode.runCommand("doppel: Select active config");
  await vscode.answerQuickPick("broken-doppel");
  await startDebugging("app");
  const toast = vscode.page.locator(".notification-toast", { hasText: "sideways" });
  await toast.waitFor({ timeout: 30_000 });
  assert.match((await toast.textContent()) ?? "", /feature\.fs\.mode/);
  await vscode.screenshot("10-config-error");
  await toast.getByRole("button", { name: "Open config" }).click();
  await vscode.page.locator(".tab.active", { hasText: "broken-doppel.json" }).waitFor();
  await vscode.screenshot("11-config-opened");
  assert.deepEqual(ideSessions(), []);
  await vscode.runCommand("doppel: Select active config");
  await vscode.answerQuickPick("Clear");
});
