// The extension's integration suite (integration/suite.cjs) inside code-server's real extension host, with the
// extension loaded from extensions/vscode (built) rather than installed: launches through the vscode API, with
// doppel off, and switched on for one launch whose DOPPEL_CONFIG_FILE names a configuration targeting a pod.
// Needs root, scripts/install-code-server, and `npm run build` in extensions/vscode.
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";
import { buildPrerequisites } from "../e2e/prerequisites.ts";
import { createTestBed, type Pod, type TestBed } from "../pod/index.ts";
import { CodeServer, missingPrerequisite, repoRoot } from "./code-server.ts";

const skip = missingPrerequisite();
const podVariable = "DPL_VSCODE_INTEGRATION";
const podVariableValue = "from the pod";

let bed: TestBed;
let pod: Pod;
let workspace: string;
let vscode: CodeServer | undefined;

before(async () => {
  if (skip) return;
  buildPrerequisites();
  bed = await createTestBed();
  pod = await bed.pod({ name: "it", env: { [podVariable]: podVariableValue } });
  workspace = mkdtempSync(join(tmpdir(), "dpl-vscode-it-"));
});

after(async () => {
  await vscode?.close();
  await bed?.destroy();
  if (workspace) rmSync(workspace, { recursive: true, force: true });
});

test("the integration suite passes in code-server's extension host", { skip: skip ?? false }, async () => {
  const resultsFile = join(workspace, "verdicts.json");
  const podConfig = join(workspace, "pod-doppel.json");
  writeFileSync(
    podConfig,
    JSON.stringify({ target: `pid/${pod.pid}`, feature: { env: { override: { DPL_WHICH_CONFIG: "integration" } } } }),
  );
  const setup = {
    app: fileURLToPath(new URL("./fixtures/app.mjs", import.meta.url)),
    results: join(workspace, "app.jsonl"),
    appEnv: { RESULTS: join(workspace, "app.jsonl"), FILE: "/nonexistent", VARIABLE: podVariable },
    podConfig,
    podPort: pod.port,
    offPort: 18_919,
    podVariableValue,
  };
  vscode = await CodeServer.start({
    workspace,
    env: { DPL_INTEGRATION_RESULTS: resultsFile, DPL_INTEGRATION_CASE: JSON.stringify(setup) },
    integration: {
      extensionPath: join(repoRoot, "extensions/vscode"),
      suitePath: fileURLToPath(new URL("./integration/suite.cjs", import.meta.url)),
    },
  });
  const deadline = Date.now() + 180_000;
  while (!existsSync(resultsFile)) {
    if (Date.now() > deadline) throw new Error(`the suite wrote no verdicts; code-server said:\n${vscode.log()}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  const verdicts = JSON.parse(readFileSync(resultsFile, "utf8")) as { passed: string[]; failed: unknown[] };
  assert.deepEqual(verdicts.failed, []);
  assert.equal(verdicts.passed.length, 3);
});
