// `doppel ide …` as the IDEs run it: a real process, JSON lines on stdout, the hello first. Sessions against a
// real pod are tested in test/e2e/ide-start.test.ts; here: versions, configuration choice, located errors,
// targets and the bad requests.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { fileURLToPath } from "node:url";
import { IDE_PROTOCOL_VERSION, type IdeEvent } from "./ide-protocol.ts";

const main = fileURLToPath(new URL("./main.ts", import.meta.url));
const tsxLoader = import.meta.resolve("tsx");
const workspace = mkdtempSync(join(tmpdir(), "doppel-ide-test-"));
after(() => rmSync(workspace, { recursive: true, force: true }));

function write(name: string, text: string): string {
  const path = join(workspace, name);
  mkdirSync(join(path, ".."), { recursive: true });
  writeFileSync(path, text);
  return path;
}

const defaultConfig = write(".doppel/doppel.json", '{ "target": "pid/1" }\n');
const otherConfig = write(".doppel/other-doppel.json", '{ "target": { "path": "deploy/api", "namespace": "shop" } }\n');
const brokenConfig = write(
  "elsewhere/broken.json",
  '{\n  "target": "pid/1",\n  "feature": { "fs": { "mode": "sideways" } }\n}\n',
);

function ide(args: string[], env: NodeJS.ProcessEnv = {}): { code: number | null; events: IdeEvent[] } {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^(DOPPEL_|MIRRORD_)/.test(key)));
  const result = spawnSync(process.execPath, ["--import", tsxLoader, main, "ide", ...args], {
    env: { ...clean, ...env },
    encoding: "utf8",
    input: "",
  });
  const events = result.stdout
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => JSON.parse(line) as IdeEvent);
  return { code: result.status, events };
}

function only<T extends IdeEvent["type"]>(events: IdeEvent[], type: T): Extract<IdeEvent, { type: T }> {
  const matching = events.filter((event) => event.type === type);
  assert.equal(matching.length, 1, `one ${type} line in ${JSON.stringify(events)}`);
  return matching[0] as Extract<IdeEvent, { type: T }>;
}

test("every command starts with a hello naming the protocol version", () => {
  for (const args of [["version"], ["configs", "--workspace", workspace], ["resolve", "--workspace", workspace]]) {
    const { events } = ide(args);
    assert.deepEqual(events[0], { type: "hello", protocol: IDE_PROTOCOL_VERSION, doppel: "0.1.0" });
  }
});

test("configs lists the candidates and the file the rules choose", () => {
  const { code, events } = ide(["configs", "--workspace", workspace]);
  assert.equal(code, 0);
  const configs = only(events, "configs");
  assert.deepEqual(configs.candidates.sort(), [defaultConfig, otherConfig].sort());
  assert.deepEqual(configs.chosen, { path: defaultConfig, source: "default" });
});

test("resolve: the active configuration beats DOPPEL_CONFIG_FILE of the launch, which beats the default", () => {
  const launchEnv = JSON.stringify({ DOPPEL_CONFIG_FILE: otherConfig });
  const byDefault = only(ide(["resolve", "--workspace", workspace]).events, "config");
  assert.deepEqual([byDefault.path, byDefault.source, byDefault.target], [defaultConfig, "default", "pid/1"]);
  const byEnv = only(ide(["resolve", "--workspace", workspace, "--env-json", launchEnv]).events, "config");
  assert.deepEqual(
    [byEnv.path, byEnv.source, byEnv.target, byEnv.namespace],
    [otherConfig, "env", "deployment/api", "shop"],
  );
  const byActive = only(
    ide(["resolve", "--workspace", workspace, "--env-json", launchEnv, "--config", defaultConfig]).events,
    "config",
  );
  assert.deepEqual([byActive.path, byActive.source], [defaultConfig, "active"]);
});

test("resolve: --target overrides the file's target", () => {
  const { events } = ide(["resolve", "--workspace", workspace, "--target", "pid/42"]);
  assert.equal(only(events, "config").target, "pid/42");
});

test("a broken configuration is an error line located at file:line:col that offers to open it", () => {
  const { code, events } = ide(["resolve", "--workspace", workspace, "--config", brokenConfig]);
  assert.equal(code, 1);
  const error = only(events, "error");
  assert.equal(error.code, "CONFIG_INVALID");
  assert.deepEqual([error.file, error.line, error.column], [brokenConfig, 3, 32]);
  assert.equal(error.problems[0]?.code, "CONFIG_INVALID_VALUE");
  assert.equal(error.problems[0]?.key, "feature.fs.mode");
  assert.deepEqual(error.actions, ["open-config", "show-output"]);
});

test("start with a target that is not running fails before anything starts and offers the target picker", () => {
  const { code, events } = ide(["start", "--workspace", workspace, "--target", "pid/999999999"]);
  assert.equal(code, 1);
  assert.deepEqual(
    events.map((event) => event.type),
    ["hello", "progress", "error"],
  );
  const error = only(events, "error");
  assert.equal(error.code, process.getuid?.() === 0 ? "SESSION_TARGET_NOT_FOUND" : "SESSION_NEEDS_ROOT");
  if (process.getuid?.() === 0) assert.deepEqual(error.actions, ["select-target", "show-output"]);
});

test("start with a Kubernetes target and no kubeconfig fails before a session starts, saying how to give one", () => {
  const { code, events } = ide(["start", "--workspace", workspace, "--config", otherConfig], {
    KUBECONFIG: "/nonexistent/dpl-kubeconfig",
  });
  assert.equal(code, 1);
  const error = only(events, "error");
  assert.equal(error.code, "KUBECONFIG_NOT_FOUND");
  assert.ok(error.actions.includes("show-output"));
});

test("targets lists local processes in their own network namespace as pid targets", () => {
  const { code, events } = ide(["targets", "--workspace", workspace]);
  assert.equal(code, 0);
  const targets = only(events, "targets");
  assert.deepEqual(targets.namespaces, []);
  for (const target of targets.targets) {
    assert.match(target.path, /^pid\/\d+$/);
    assert.equal(target.kind, "pid");
    assert.notEqual(target.name, "");
  }
});

test("a malformed --env-json is a bad request, not a crash", () => {
  const { code, events } = ide(["resolve", "--workspace", workspace, "--env-json", "{nope"]);
  assert.equal(code, 1);
  assert.equal(only(events, "error").code, "IDE_BAD_REQUEST");
  const notObject = ide(["resolve", "--workspace", workspace, "--env-json", "[1]"]);
  assert.equal(only(notObject.events, "error").code, "IDE_BAD_REQUEST");
});

test("start applies --overrides-json over the file, and reports an invalid key like one of the file", () => {
  const { code, events } = ide([
    "start",
    "--workspace",
    workspace,
    "--overrides-json",
    '{ "feature": { "fs": { "mode": "sideways" } } }',
  ]);
  assert.equal(code, 1);
  const error = only(events, "error");
  assert.equal(error.code, "CONFIG_INVALID");
  assert.equal(error.problems[0]?.key, "feature.fs.mode");
  const malformed = ide(["start", "--workspace", workspace, "--overrides-json", "[]"]);
  assert.equal(only(malformed.events, "error").code, "IDE_BAD_REQUEST");
});
