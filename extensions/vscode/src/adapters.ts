// What doppel does to a launch configuration, per debug type: one row per debugger in one table. A row says
// where the environment goes (and in which shape), which helper processes of that debugger the layer must
// leave alone (they get the launch environment too), and which request kinds are launches.
// Keep this file free of the vscode module: it is unit-tested row by row under node:test.

export type EnvShape =
  /** `env: { NAME: "value" }`; `null` removes a variable. */
  | "object-null-unsets"
  /** `env: { NAME: "value" }`; no way to remove a variable, so unset ones are set empty. */
  | "object"
  /** `environment: [{ name, value }]` (cpptools). */
  | "name-value-array";

export interface DebugAdapterRow {
  /** Debug types the row covers (launch.json `type`). */
  types: readonly string[];
  /** The launch-configuration attribute that holds the environment. */
  envKey: string;
  envShape: EnvShape;
  /** Executables the debugger starts around the app that must run without the layer. */
  helperProcesses: readonly string[];
  /** Configuration keys the debugger needs for the session (`doppel ide start --overrides-json`). */
  configOverrides: Readonly<Record<string, unknown>>;
}

/**
 * For debuggers whose own sockets on loopback live in processes that carry the layer, loopback stays on this
 * machine, both ways. Checked against the debuggers as they ship (js-debug in VS Code 1.100):
 * - js-debug: the bootloader it preloads into node opens the debuggee's inspector on 127.0.0.1 at a port it picks
 *   at run time, and starts a watchdog (`node watchdog.js`, with the layer: doppel keeps it in children) that
 *   connects to that port. debugpy: the launcher and the debuggee (both python) connect to the adapter's port,
 *   chosen by the kernel at run time.
 * - Outgoing: without ignore_localhost the watchdog's connection leaves from the pod, finds no inspector there, and
 *   the debuggee waits for its debugger for ever (measured: the app never started). Nothing narrower can be said
 *   in a configuration: the port is known only inside the debuggee once it runs, outgoing filters take fixed
 *   ports, and skip_processes matches names, where the helper is the same `node`/`python` as the app.
 * - Incoming: the inspector's listener has a fixed port once picked, so without ignore_localhost the layer
 *   subscribes it in the pod, and the pod's traffic to that port (mirrored or stolen) would reach the inspector,
 *   which runs any code it is sent. A listener bound to loopback is local-only by its own choice anyway.
 * The cost: under these debuggers the app's own connections to localhost (a sidecar of the pod) reach this machine
 * instead of the pod. Narrower needs the layer to recognise the debugger's ports at run time.
 */
const LOOPBACK_STAYS_LOCAL = {
  feature: { network: { incoming: { ignore_localhost: true }, outgoing: { ignore_localhost: true } } },
};

export const DEBUG_ADAPTERS: readonly DebugAdapterRow[] = [
  // js-debug launches node directly; node-terminal runs the command through the user's shell.
  {
    types: ["node", "pwa-node"],
    envKey: "env",
    envShape: "object-null-unsets",
    helperProcesses: [],
    configOverrides: LOOPBACK_STAYS_LOCAL,
  },
  {
    types: ["node-terminal"],
    envKey: "env",
    envShape: "object-null-unsets",
    helperProcesses: ["bash", "sh", "zsh", "fish", "dash"],
    configOverrides: LOOPBACK_STAYS_LOCAL,
  },
  // debugpy's launcher is python itself and cannot be told apart by name; the layer stays out of its sockets.
  {
    types: ["python", "debugpy"],
    envKey: "env",
    envShape: "object-null-unsets",
    helperProcesses: [],
    configOverrides: LOOPBACK_STAYS_LOCAL,
  },
  // The Go extension builds with `go` and debugs with Delve, both started with the launch environment.
  {
    types: ["go"],
    envKey: "env",
    envShape: "object",
    helperProcesses: ["dlv", "go", "gcc", "cc", "ld"],
    configOverrides: {},
  },
  { types: ["java"], envKey: "env", envShape: "object", helperProcesses: [], configOverrides: {} },
  {
    types: ["cppdbg"],
    envKey: "environment",
    envShape: "name-value-array",
    helperProcesses: ["gdb", "lldb-mi"],
    configOverrides: {},
  },
  {
    types: ["lldb"],
    envKey: "env",
    envShape: "object",
    helperProcesses: ["lldb", "lldb-server", "debugserver", "codelldb"],
    configOverrides: {},
  },
  { types: ["coreclr"], envKey: "env", envShape: "object", helperProcesses: ["vsdbg", "dotnet"], configOverrides: {} },
  { types: ["rdbg"], envKey: "env", envShape: "object", helperProcesses: ["rdbg"], configOverrides: {} },
];

/** Debug types no row names: the common `env` object, no helpers. */
export const DEFAULT_ADAPTER: DebugAdapterRow = {
  types: [],
  envKey: "env",
  envShape: "object",
  helperProcesses: [],
  configOverrides: {},
};

export function adapterFor(type: string): DebugAdapterRow {
  return DEBUG_ADAPTERS.find((row) => row.types.includes(type)) ?? DEFAULT_ADAPTER;
}

type EnvValue = string | null | undefined;
type NameValue = { name: string; value: string };

/** The launch configuration's environment as a plain object, whatever shape the adapter uses. */
export function readLaunchEnv(row: DebugAdapterRow, config: Record<string, unknown>): Record<string, string> {
  const raw = config[row.envKey];
  if (row.envShape === "name-value-array") {
    const items = Array.isArray(raw) ? (raw as NameValue[]) : [];
    return Object.fromEntries(
      items.filter((item) => typeof item?.name === "string").map((i) => [i.name, String(i.value)]),
    );
  }
  const object = typeof raw === "object" && raw !== null ? (raw as Record<string, EnvValue>) : {};
  return Object.fromEntries(
    Object.entries(object).filter((entry): entry is [string, string] => typeof entry[1] === "string"),
  );
}

/** A copy of the launch configuration with `set` merged into its environment and `unset` removed. */
export function injectEnv<Config extends Record<string, unknown>>(
  row: DebugAdapterRow,
  config: Config,
  set: Readonly<Record<string, string>>,
  unset: readonly string[],
): Config {
  const raw = config[row.envKey];
  if (row.envShape === "name-value-array") {
    const items = (Array.isArray(raw) ? (raw as NameValue[]) : []).filter(
      (item) => !(item.name in set) && !unset.includes(item.name),
    );
    const added = Object.entries(set).map(([name, value]) => ({ name, value }));
    return { ...config, [row.envKey]: [...items, ...added] };
  }
  const env: Record<string, EnvValue> = { ...(typeof raw === "object" && raw !== null ? (raw as object) : {}) };
  for (const name of unset) env[name] = row.envShape === "object-null-unsets" ? null : "";
  Object.assign(env, set);
  return { ...config, [row.envKey]: env };
}
