// The adapter table row by row: where each debugger's environment goes, in which shape, and which helper
// processes the layer skips.
import assert from "node:assert/strict";
import { test } from "node:test";
import { adapterFor, DEBUG_ADAPTERS, DEFAULT_ADAPTER, injectEnv, readLaunchEnv } from "./adapters.ts";

const set = { LD_PRELOAD: "/x/libdoppel_layer.so", DB_HOST: "db.shop" };

const loopbackLocal = {
  feature: { network: { incoming: { ignore_localhost: true }, outgoing: { ignore_localhost: true } } },
};

interface Row {
  type: string;
  overrides?: Record<string, unknown>;
  config: Record<string, unknown>;
  expectedEnv: unknown;
  envKey: string;
  helpers: readonly string[];
}

const rows: Row[] = [
  {
    type: "node",
    overrides: loopbackLocal,
    config: { type: "node", env: { KEEP: "1", GONE: "x" } },
    envKey: "env",
    expectedEnv: { KEEP: "1", GONE: null, ...set },
    helpers: [],
  },
  {
    type: "pwa-node",
    overrides: loopbackLocal,
    config: { type: "pwa-node" },
    envKey: "env",
    expectedEnv: { GONE: null, ...set },
    helpers: [],
  },
  {
    type: "node-terminal",
    overrides: loopbackLocal,
    config: { type: "node-terminal", command: "npm start" },
    envKey: "env",
    expectedEnv: { GONE: null, ...set },
    helpers: ["bash", "sh", "zsh", "fish", "dash"],
  },
  {
    type: "python",
    overrides: loopbackLocal,
    config: { type: "python", env: { KEEP: "1" } },
    envKey: "env",
    expectedEnv: { KEEP: "1", GONE: null, ...set },
    helpers: [],
  },
  {
    type: "debugpy",
    overrides: loopbackLocal,
    config: { type: "debugpy" },
    envKey: "env",
    expectedEnv: { GONE: null, ...set },
    helpers: [],
  },
  {
    type: "go",
    config: { type: "go", env: { GOFLAGS: "-mod=vendor" } },
    envKey: "env",
    expectedEnv: { GOFLAGS: "-mod=vendor", GONE: "", ...set },
    helpers: ["dlv", "go", "gcc", "cc", "ld"],
  },
  { type: "java", config: { type: "java" }, envKey: "env", expectedEnv: { GONE: "", ...set }, helpers: [] },
  {
    type: "cppdbg",
    config: {
      type: "cppdbg",
      environment: [
        { name: "KEEP", value: "1" },
        { name: "GONE", value: "x" },
        { name: "DB_HOST", value: "local" },
      ],
    },
    envKey: "environment",
    expectedEnv: [
      { name: "KEEP", value: "1" },
      { name: "LD_PRELOAD", value: set.LD_PRELOAD },
      { name: "DB_HOST", value: set.DB_HOST },
    ],
    helpers: ["gdb", "lldb-mi"],
  },
  {
    type: "lldb",
    config: { type: "lldb" },
    envKey: "env",
    expectedEnv: { GONE: "", ...set },
    helpers: ["lldb", "lldb-server", "debugserver", "codelldb"],
  },
  {
    type: "coreclr",
    config: { type: "coreclr" },
    envKey: "env",
    expectedEnv: { GONE: "", ...set },
    helpers: ["vsdbg", "dotnet"],
  },
  { type: "rdbg", config: { type: "rdbg" }, envKey: "env", expectedEnv: { GONE: "", ...set }, helpers: ["rdbg"] },
  { type: "php", config: { type: "php" }, envKey: "env", expectedEnv: { GONE: "", ...set }, helpers: [] },
];

for (const row of rows) {
  test(`${row.type}: env goes to "${row.envKey}", helpers ${JSON.stringify(row.helpers)} are skipped, overrides ${JSON.stringify(row.overrides ?? {})}`, () => {
    const adapter = adapterFor(row.type);
    assert.equal(adapter.envKey, row.envKey);
    assert.deepEqual(adapter.helperProcesses, row.helpers);
    assert.deepEqual(adapter.configOverrides, row.overrides ?? {});
    const injected = injectEnv(adapter, row.config, set, ["GONE"]);
    assert.deepEqual(injected[row.envKey], row.expectedEnv);
    assert.equal(injected.type, row.type, "the rest of the configuration is kept");
    assert.notEqual(injected, row.config, "the caller's configuration is not changed");
  });
}

test("every debug type is in one row only, and the table covers every row tested here", () => {
  const types = DEBUG_ADAPTERS.flatMap((row) => row.types);
  assert.equal(new Set(types).size, types.length);
  const tested = new Set(rows.map((row) => row.type));
  for (const type of types) assert.ok(tested.has(type), `${type} has a test row`);
  assert.equal(adapterFor("php"), DEFAULT_ADAPTER);
});

test("readLaunchEnv reads both shapes and ignores non-string values", () => {
  assert.deepEqual(readLaunchEnv(adapterFor("node"), { env: { A: "1", B: null, C: 3 } }), { A: "1" });
  assert.deepEqual(readLaunchEnv(adapterFor("cppdbg"), { environment: [{ name: "A", value: "1" }] }), { A: "1" });
  assert.deepEqual(readLaunchEnv(adapterFor("go"), {}), {});
});
