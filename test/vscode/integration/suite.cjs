// The extension's integration suite, run inside code-server's extension host (VS Code's extensionTestsPath) by
// integration.test.ts. It drives the real extension through the vscode API and writes its verdicts as JSON to
// DPL_INTEGRATION_RESULTS, which the test reads: { passed: [name…], failed: [{ name, error }…] }.
// DPL_INTEGRATION_CASE holds what the test prepared: the workspace, the pod's config file, the app's results file.
const assert = require("node:assert/strict");
const { existsSync, readFileSync, writeFileSync } = require("node:fs");
const vscode = require("vscode");

const setup = JSON.parse(process.env.DPL_INTEGRATION_CASE ?? "{}");

function lines(file) {
  if (!existsSync(file)) return [];
  return readFileSync(file, "utf8")
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line));
}

async function until(what, check) {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const value = check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

async function launch(name, port, env) {
  const folder = vscode.workspace.workspaceFolders[0];
  const appEnv = { ...setup.appEnv, NAME: name, PORT: String(port), ...env };
  const config = { type: "node", request: "launch", name, program: setup.app, env: appEnv };
  assert.equal(await vscode.debug.startDebugging(folder, config), true, `${name} started`);
  const listening = await until(`${name} listening`, () =>
    lines(setup.results).find((l) => l.name === name && "listening" in l),
  );
  return listening;
}

/** Stops the debug session and waits until its top-level session has ended (the next launch reuses its port). */
async function stopAll() {
  const ended = new Promise((resolve) => {
    const listener = vscode.debug.onDidTerminateDebugSession((session) => {
      if (session.parentSession === undefined) {
        listener.dispose();
        resolve();
      }
    });
  });
  await vscode.debug.stopDebugging();
  await ended;
}

const cases = [
  [
    "the extension is present, activates, and registers every contributed command",
    async () => {
      const extension = vscode.extensions.getExtension("doppel.doppel");
      assert.ok(extension, "doppel.doppel is loaded");
      await extension.activate();
      const registered = new Set(await vscode.commands.getCommands(true));
      for (const { command } of extension.packageJSON.contributes.commands) assert.ok(registered.has(command), command);
    },
  ],
  [
    "with doppel off, a launch runs without the layer",
    async () => {
      const line = await launch("off", setup.offPort, {});
      assert.equal(line.preload, null);
      await stopAll();
    },
  ],
  [
    "DOPPEL_ACTIVE=1 turns doppel on for one launch, and DOPPEL_CONFIG_FILE in its env chooses the configuration",
    async () => {
      const line = await launch("on", setup.podPort, { DOPPEL_ACTIVE: "1", DOPPEL_CONFIG_FILE: setup.podConfig });
      assert.match(String(line.preload), /libdoppel_layer\.so/);
      assert.equal(line.variable, setup.podVariableValue);
      assert.equal(line.config, "integration");
      await stopAll();
    },
  ],
];

exports.run = async function run() {
  const verdicts = { passed: [], failed: [] };
  for (const [name, body] of cases) {
    try {
      await body();
      verdicts.passed.push(name);
    } catch (error) {
      verdicts.failed.push({ name, error: String(error?.stack ?? error) });
    }
  }
  writeFileSync(process.env.DPL_INTEGRATION_RESULTS, JSON.stringify(verdicts, null, 2));
};
