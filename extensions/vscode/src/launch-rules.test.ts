// DOPPEL_ACTIVE / MIRRORD_ACTIVE against the status-bar button, attach configurations, and the options that
// choose the configuration.
import assert from "node:assert/strict";
import { test } from "node:test";
import { configArgs, decideLaunch } from "./launch-rules.ts";

test("the button decides when the launch has no switch", () => {
  assert.deepEqual(decideLaunch("launch", {}, true), { run: true });
  assert.deepEqual(decideLaunch("launch", {}, false), { run: false, reason: "off" });
});

test('DOPPEL_ACTIVE "1" keeps doppel on and "0" off whatever the button says; MIRRORD_ACTIVE is an alias', () => {
  assert.deepEqual(decideLaunch("launch", { DOPPEL_ACTIVE: "1" }, false), { run: true });
  assert.deepEqual(decideLaunch("launch", { DOPPEL_ACTIVE: "0" }, true), { run: false, reason: "switched-off" });
  assert.deepEqual(decideLaunch("launch", { MIRRORD_ACTIVE: "1" }, false), { run: true });
  assert.deepEqual(decideLaunch("launch", { MIRRORD_ACTIVE: "0" }, true), { run: false, reason: "switched-off" });
});

test("DOPPEL_ACTIVE wins over MIRRORD_ACTIVE; other values leave the button in charge", () => {
  assert.deepEqual(decideLaunch("launch", { DOPPEL_ACTIVE: "0", MIRRORD_ACTIVE: "1" }, true), {
    run: false,
    reason: "switched-off",
  });
  assert.deepEqual(decideLaunch("launch", { DOPPEL_ACTIVE: "yes" }, false), { run: false, reason: "off" });
});

test("attach configurations are left alone, but only when doppel would have run", () => {
  assert.deepEqual(decideLaunch("attach", {}, true), { run: false, reason: "attach" });
  assert.deepEqual(decideLaunch("attach", {}, false), { run: false, reason: "off" });
});

test("configArgs passes the active override only when one is selected, and always the launch env", () => {
  assert.deepEqual(configArgs({ workspace: "/w", activeOverride: null, launchEnv: { A: "1" } }), [
    "--workspace",
    "/w",
    "--env-json",
    '{"A":"1"}',
  ]);
  assert.deepEqual(configArgs({ workspace: "/w", activeOverride: "/w/.doppel/b.json", launchEnv: {} }), [
    "--workspace",
    "/w",
    "--config",
    "/w/.doppel/b.json",
    "--env-json",
    "{}",
  ]);
});
