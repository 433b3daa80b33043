import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { stringify as toToml } from "smol-toml";
import { stringify as toYaml } from "yaml";
import { ConfigError, type ConfigProblem, ErrorCode } from "../errors.ts";
import { formatKeyPath, type KeyPath } from "./formats/index.ts";
import { type ConfigOverrides, ENV_BINDINGS, loadConfig, type ResolvedConfig } from "./index.ts";
import { fillDefaults } from "./normalize.ts";
import {
  configSchema,
  deref,
  EXPAND_KEYWORD,
  fullFormOf,
  keyPaths,
  REGEX_KEYWORD,
  type SchemaNode,
  SUPPORT_KEYWORD,
  schemaAt,
  supportOf,
} from "./schema.ts";

const dir = mkdtempSync(join(tmpdir(), "doppel-config-test-"));
after(() => rmSync(dir, { recursive: true, force: true }));

let counter = 0;
function writeConfig(name: string, text: string): string {
  const path = join(dir, `${counter++}-${name}`);
  writeFileSync(path, text);
  return path;
}

function load(
  path: string | null,
  env: NodeJS.ProcessEnv = {},
  extra: { ide?: boolean; overrides?: ConfigOverrides } = {},
) {
  return loadConfig({ path, env, ...extra });
}

function problemsOf(fn: () => unknown): ConfigProblem[] {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${error}`);
    assert.equal(error.code, ErrorCode.ConfigInvalid);
    return error.errors;
  }
  assert.fail("expected a ConfigError");
}

/** The single problem a load reports. */
function onlyProblem(fn: () => unknown): ConfigProblem {
  const problems = problemsOf(fn);
  assert.equal(problems.length, 1, `expected one problem, got ${JSON.stringify(problems, null, 2)}`);
  return problems[0] as ConfigProblem;
}

function assertAt(
  problem: ConfigProblem,
  code: string,
  file: string | null,
  line: number | null,
  column: number | null,
  key: string,
) {
  assert.deepEqual(
    { code: problem.code, file: problem.file, line: problem.line, column: problem.column, key: problem.key },
    { code, file, line, column, key },
    problem.message,
  );
}

/** 1-based line/column of the first occurrence of `needle` in `text`. */
function positionOf(text: string, needle: string): { line: number; column: number } {
  const offset = text.indexOf(needle);
  assert.ok(offset >= 0, `${needle} not in text`);
  const before = text.slice(0, offset).split("\n");
  return { line: before.length, column: (before.at(-1)?.length ?? 0) + 1 };
}

const DEFAULTS = fillDefaults({}) as ResolvedConfig;

test("the same configuration in JSON, TOML and YAML resolves to identical JSON", () => {
  const fixtures = fileURLToPath(new URL("./fixtures/", import.meta.url));
  const resolved = ["json", "toml", "yaml"].map((format) => ({
    format,
    json: JSON.stringify(load(join(fixtures, `same.doppel.${format}`)).config, null, 2),
  }));
  const [first, ...others] = resolved;
  for (const other of others) assert.equal(other.json, first?.json, `${other.format} resolves differently from json`);
  // same.expected.json holds the values the fixtures set, in full form; every other key takes its default, so
  // adding a key to the schema does not touch the fixture. The file is laid out by biome: compare values, not text.
  const expectedFile = join(fixtures, "same.expected.json");
  const expected = fillDefaults(JSON.parse(readFileSync(expectedFile, "utf8")));
  assert.deepEqual(
    JSON.parse(first?.json ?? "null"),
    expected,
    `the resolved configuration differs from ${expectedFile}`,
  );
});

describe("defaults", () => {
  test("no file means defaults (mirrord's values)", () => {
    const { config, warnings } = load(null);
    assert.deepEqual(config, DEFAULTS);
    assert.deepEqual(warnings, []);
    assert.equal(config.target.path, null);
    assert.equal(config.feature.network.incoming.mode, "mirror");
    assert.deepEqual(config.feature.network.incoming.http_filter.ports, [80, 8080]);
    assert.equal(config.feature.fs.mode, "read");
    assert.equal(config.feature.env.enabled, true);
    assert.equal(config.agent.ttl, 1);
    assert.equal(config.agent.communication_timeout, 30);
    assert.equal(config.agent.startup_timeout, 60);
    assert.equal(config.skip_build_tools, true);
  });
  for (const [name, text] of [
    ["empty.json", ""],
    ["empty.toml", ""],
    ["empty.yaml", ""],
    ["comment.json", "// nothing yet\n"],
  ] as const) {
    test(`an empty file (${name}) means defaults`, () => {
      assert.deepEqual(load(writeConfig(name, text)).config, DEFAULTS);
      assert.deepEqual(load(writeConfig(name, text), {}, { ide: true }).config, DEFAULTS);
    });
  }
});

describe("shorthands expand to the full form", () => {
  const cases: [string, unknown, KeyPath, unknown][] = [
    ["target string", { target: "deploy/api" }, ["target"], { path: "deployment/api", namespace: null }],
    ["incoming mode", { feature: { network: { incoming: "off" } } }, ["feature", "network", "incoming", "mode"], "off"],
    [
      "dns bool",
      { feature: { network: { dns: false } } },
      ["feature", "network", "dns"],
      { enabled: false, filter: null },
    ],
    ["fs mode", { feature: { fs: "local" } }, ["feature", "fs", "mode"], "local"],
    ["env bool", { feature: { env: false } }, ["feature", "env", "enabled"], false],
    [
      "env include ;-string",
      { feature: { env: { include: "A_*; B ;;C?" } } },
      ["feature", "env", "include"],
      ["A_*", "B", "C?"],
    ],
    ["env exclude array", { feature: { env: { exclude: ["X;Y"] } } }, ["feature", "env", "exclude"], ["X;Y"]],
    ["regex list string", { feature: { fs: { local: "^/tmp/.+" } } }, ["feature", "fs", "local"], ["^/tmp/.+"]],
    ["string list", { skip_processes: "bash" }, ["skip_processes"], ["bash"]],
    [
      "address filter string",
      { feature: { network: { outgoing: { filter: { local: ":53" } } } } },
      ["feature", "network", "outgoing", "filter"],
      { local: [":53"], remote: null },
    ],
    [
      "http filter rule",
      {
        feature: { network: { incoming: { mode: "steal", http_filter: { any_of: [{ path: "^/a" }] } } } },
        target: "pod/a",
      },
      ["feature", "network", "incoming", "http_filter", "any_of"],
      [{ header: null, path: "^/a" }],
    ],
  ];
  for (const [name, raw, path, expected] of cases) {
    test(name, () => {
      const { config } = load(writeConfig("s.json", JSON.stringify(raw)));
      let value: unknown = config;
      for (const key of path) value = (value as Record<string | number, unknown>)[key];
      assert.deepEqual(value, expected);
    });
  }
});

describe("bad input: located, actionable problems", () => {
  test("wrong type (JSON)", () => {
    const text = '{\n  "agent": {\n    "ttl": "soon"\n  }\n}\n';
    const file = writeConfig("type.json", text);
    const problem = onlyProblem(() => load(file));
    assertAt(problem, ErrorCode.ConfigWrongType, file, 3, 12, "agent.ttl");
    assert.match(problem.message, /expected integer, got string "soon"/);
  });

  test("wrong type for a shorthand union says both accepted forms (TOML)", () => {
    const file = writeConfig("union.toml", "[feature.network]\nincoming = 5\n");
    const problem = onlyProblem(() => load(file));
    assertAt(problem, ErrorCode.ConfigWrongType, file, 2, 12, "feature.network.incoming");
    assert.match(problem.message, /expected string or a table, got integer 5/);
  });

  test("a value outside the enum gets the closest one (YAML)", () => {
    const file = writeConfig("enum.yaml", "feature:\n  network:\n    incoming:\n      mode: stael\n");
    const problem = onlyProblem(() => load(file));
    assertAt(problem, ErrorCode.ConfigInvalidValue, file, 4, 13, "feature.network.incoming.mode");
    assert.match(problem.message, /did you mean "steal"\?/);
  });

  for (const [format, text, line, column] of [
    ["json", '{\n  "feature": {\n    "network": { "incomng": "steal" }\n  }\n}', 3, 18],
    ["toml", '[feature.network]\nincomng = "steal"\n', 2, 1],
    ["yaml", "feature:\n  network:\n    incomng: steal\n", 3, 5],
  ] as const) {
    test(`unknown key with a suggestion (${format})`, () => {
      const file = writeConfig(`unknown.${format}`, text);
      const problem = onlyProblem(() => load(file));
      assertAt(problem, ErrorCode.ConfigUnknownKey, file, line, column, "feature.network.incomng");
      assert.match(problem.message, /unknown key "incomng"; did you mean "incoming"\?/);
    });
  }

  test("a key written at the wrong level is pointed home", () => {
    const file = writeConfig("misplaced.yaml", "feature:\n  incoming: steal\n");
    const problem = onlyProblem(() => load(file));
    assertAt(problem, ErrorCode.ConfigUnknownKey, file, 2, 3, "feature.incoming");
    assert.match(problem.message, /"incoming" is not a key here; it belongs under "feature\.network"/);
  });

  test("an unknown key far from any valid one is just named", () => {
    const file = writeConfig("unknown.json", '{ "zzzzzzzz": 1 }');
    const problem = onlyProblem(() => load(file));
    assertAt(problem, ErrorCode.ConfigUnknownKey, file, 1, 3, "zzzzzzzz");
    assert.doesNotMatch(problem.message, /did you mean/);
  });

  test("several problems are all reported", () => {
    const file = writeConfig("many.json", '{ "agent": { "ttl": -1, "log_level": "loud" }, "kube_contxt": "x" }');
    const codes = problemsOf(() => load(file)).map((p) => `${p.key}:${p.code}`);
    assert.deepEqual(codes.sort(), [
      `agent.log_level:${ErrorCode.ConfigInvalidValue}`,
      `agent.ttl:${ErrorCode.ConfigInvalidValue}`,
      `kube_contxt:${ErrorCode.ConfigUnknownKey}`,
    ]);
  });

  test("syntax error in each format carries the file", () => {
    for (const [name, text, line] of [
      ["syntax.json", '{ "target": "pod/a" "agent": {} }', 1],
      ["syntax.toml", "[agent\nttl = 1\n", 1],
      ["syntax.yaml", "agent:\n  ttl: [1\n", 3],
    ] as const) {
      const file = writeConfig(name, text);
      const problem = onlyProblem(() => load(file));
      assert.equal(problem.code, ErrorCode.ConfigSyntax, name);
      assert.equal(problem.file, file);
      assert.equal(problem.line, line, name);
      assert.equal(typeof problem.column, "number");
      assert.equal(problem.key, "");
    }
  });

  test("a byte-order mark is not a syntax error", () => {
    const file = writeConfig("bom.json", '\uFEFF{ "target": "pod/a" }');
    assert.equal(load(file).config.target.path, "pod/a");
  });

  test("the same key twice in YAML", () => {
    const file = writeConfig("dup.yaml", "agent:\n  ttl: 1\n  ttl: 2\n");
    assertAt(
      onlyProblem(() => load(file)),
      ErrorCode.ConfigDuplicateKey,
      file,
      3,
      3,
      "agent.ttl",
    );
  });

  test("missing file", () => {
    const file = join(dir, "does-not-exist.doppel.json");
    const problem = onlyProblem(() => load(file));
    assertAt(problem, ErrorCode.ConfigFileNotFound, file, null, null, "");
    assert.match(problem.message, /doppel config list/);
  });

  test("a directory is not a configuration file", () => {
    const path = join(dir, "folder.doppel.json");
    mkdirSync(path);
    const problem = onlyProblem(() => load(path));
    assertAt(problem, ErrorCode.ConfigFileUnreadable, path, null, null, "");
    assert.match(problem.message, /it is a directory/);
  });

  test("an unknown extension", () => {
    const file = writeConfig("doppel.ini", "target=pod/a");
    assertAt(
      onlyProblem(() => load(file)),
      ErrorCode.ConfigUnknownFormat,
      file,
      null,
      null,
      "",
    );
  });

  test("ports together with ignore_ports", () => {
    const text =
      '{\n  "feature": { "network": { "incoming": {\n    "ports": [80],\n    "ignore_ports": [81]\n  } } }\n}';
    const file = writeConfig("ports.json", text);
    const problem = onlyProblem(() => load(file));
    assertAt(problem, ErrorCode.ConfigConflict, file, 4, 21, "feature.network.incoming.ignore_ports");
    assert.match(problem.message, /ports and ignore_ports cannot both be set/);
  });

  test("mirror_percent outside 0–100, and outside mirror mode", () => {
    const range = writeConfig("pct.yaml", "feature:\n  network:\n    incoming:\n      mirror_percent: 150\n");
    assertAt(
      onlyProblem(() => load(range)),
      ErrorCode.ConfigInvalidValue,
      range,
      4,
      23,
      "feature.network.incoming.mirror_percent",
    );
    const mode = writeConfig(
      "pct.toml",
      'target = "pod/a"\n[feature.network.incoming]\nmode = "steal"\nmirror_percent = 50\n',
    );
    assertAt(
      onlyProblem(() => load(mode)),
      ErrorCode.ConfigConflict,
      mode,
      4,
      18,
      "feature.network.incoming.mirror_percent",
    );
  });

  test("bad target path, in the file and through the shorthand", () => {
    const text = 'target = "deploymnt/api"\n';
    const file = writeConfig("target.toml", text);
    const problem = onlyProblem(() => load(file));
    assertAt(problem, ErrorCode.ConfigInvalidTarget, file, 1, 10, "target.path");
    assert.match(problem.message, /did you mean "deployment\/api"\?/);
    assert.match(problem.message, /<kind>\/<name>\[\/container\/<container>\]/);
  });

  test("an HTTP filter with two kinds of matching, a rule with both header and path", () => {
    const file = writeConfig(
      "filter.json",
      JSON.stringify({
        target: "pod/a",
        feature: {
          network: {
            incoming: {
              mode: "steal",
              http_filter: { header_filter: "^a", path_filter: "^/b", all_of: [{ header: "^x", path: "^/y" }] },
            },
          },
        },
      }),
    );
    const keys = problemsOf(() => load(file)).map((p) => `${p.key}:${p.code}`);
    assert.deepEqual(keys.sort(), [
      `feature.network.incoming.http_filter.all_of[0].path:${ErrorCode.ConfigConflict}`,
      `feature.network.incoming.http_filter.path_filter:${ErrorCode.ConfigConflict}`,
    ]);
  });

  test("an address filter that is both local and remote", () => {
    const file = writeConfig(
      "addr.yaml",
      "feature:\n  network:\n    dns:\n      filter:\n        local: a\n        remote: b\n",
    );
    assertAt(
      onlyProblem(() => load(file)),
      ErrorCode.ConfigConflict,
      file,
      6,
      17,
      "feature.network.dns.filter.remote",
    );
  });
});

/** Every regex-valued key of the schema: string keys marked x-doppel-regex, lists of them, and regex-keyed maps. */
function regexKeys(
  node: SchemaNode = configSchema,
  path: string[] = [],
): { path: string[]; form: "value" | "list" | "map-key" | "rule" }[] {
  const found: { path: string[]; form: "value" | "list" | "map-key" | "rule" }[] = [];
  for (const [key, child] of Object.entries(fullFormOf(node).properties ?? {})) {
    const full = fullFormOf(child);
    const here = [...path, key];
    if (full[REGEX_KEYWORD] === true) found.push({ path: here, form: "value" });
    else if (full.propertyNames?.[REGEX_KEYWORD] === true) found.push({ path: here, form: "map-key" });
    else if (full.type === "array" && !Array.isArray(full.items) && full.items !== undefined) {
      const item = deref(full.items);
      if (item[REGEX_KEYWORD] === true) found.push({ path: here, form: "list" });
      else if (item.properties !== undefined) {
        for (const [field, fieldSchema] of Object.entries(item.properties)) {
          if (deref(fieldSchema)[REGEX_KEYWORD] === true) found.push({ path: [...here, field], form: "rule" });
        }
      }
    } else if (full.properties !== undefined) found.push(...regexKeys(child, here));
  }
  return found;
}

describe("an invalid regex in any regex-valued key is located and explained", () => {
  const BAD = "([unclosed";
  const keys = regexKeys();
  test("the schema has the regex keys the issue lists", () => {
    const names = keys.map((k) => k.path.join("."));
    for (const expected of [
      "feature.network.incoming.http_filter.header_filter",
      "feature.network.incoming.http_filter.path_filter",
      "feature.network.incoming.http_filter.all_of.header",
      "feature.network.incoming.http_filter.any_of.path",
      "feature.network.outgoing.unix_streams",
      "feature.fs.read_write",
      "feature.fs.read_only",
      "feature.fs.local",
      "feature.fs.not_found",
      "feature.fs.mapping",
      "feature.env.mapping",
    ]) {
      assert.ok(names.includes(expected), `${expected} missing from ${names.join(", ")}`);
    }
  });
  for (const { path, form } of keys) {
    test(`${path.join(".")} (${form})`, () => {
      const leaf = path.at(-1) as string;
      const parents = form === "rule" ? path.slice(0, -2) : path.slice(0, -1);
      const value =
        form === "value"
          ? BAD
          : form === "list"
            ? ["^ok$", BAD]
            : form === "map-key"
              ? { [BAD]: "replacement" }
              : [{ [leaf]: BAD }];
      const key = form === "rule" ? (path.at(-2) as string) : leaf;
      const raw = parents.reduceRight<unknown>((inner, k) => ({ [k]: inner }), { [key]: value });
      const text = JSON.stringify(raw, null, 2);
      const file = writeConfig("regex.json", text);
      const problem = onlyProblem(() => load(file));
      const keyPath =
        form === "list"
          ? formatKeyPath([...path, 1])
          : form === "rule"
            ? formatKeyPath([...parents, key, 0, leaf])
            : form === "map-key"
              ? formatKeyPath([...path, BAD])
              : path.join(".");
      const { line, column } = positionOf(text, `"${BAD}"`);
      assertAt(problem, ErrorCode.ConfigInvalidRegex, file, line, column, keyPath);
      assert.match(problem.message, /invalid regular expression "\(\[unclosed": Invalid regular expression/);
    });
  }
});

describe("precedence: flags > environment > file > defaults", () => {
  const file = () =>
    writeConfig(
      "p.json",
      JSON.stringify({ target: { path: "pod/from-file", namespace: "file-ns" }, feature: { fs: "write" } }),
    );

  test("the file beats defaults", () => {
    const { config } = load(file());
    assert.equal(config.target.path, "pod/from-file");
    assert.equal(config.feature.fs.mode, "write");
  });

  test("every variable of the table sets its key and beats the file", () => {
    const env = {
      DOPPEL_TARGET: "deploy/from-env",
      DOPPEL_TARGET_NAMESPACE: "env-ns",
      DOPPEL_AGENT_NAMESPACE: "agents",
      DOPPEL_AGENT_IMAGE: "registry.local/agent:1",
      DOPPEL_FS_MODE: "local",
      DOPPEL_INCOMING_MODE: "off",
    };
    const { config } = load(file(), env);
    assert.equal(config.target.path, "deployment/from-env");
    assert.equal(config.target.namespace, "env-ns");
    assert.equal(config.agent.namespace, "agents");
    assert.equal(config.agent.image, "registry.local/agent:1");
    assert.equal(config.feature.fs.mode, "local");
    assert.equal(config.feature.network.incoming.mode, "off");
  });

  test("mirrord aliases set the same keys", () => {
    const env = {
      MIRRORD_IMPERSONATED_TARGET: "pod/alias",
      MIRRORD_TARGET_NAMESPACE: "alias-ns",
      MIRRORD_AGENT_NAMESPACE: "alias-agents",
    };
    const { config } = load(null, env);
    assert.deepEqual(config.target, { path: "pod/alias", namespace: "alias-ns" });
    assert.equal(config.agent.namespace, "alias-agents");
  });

  test("DOPPEL_* beats its MIRRORD_* alias", () => {
    const { config } = load(null, { DOPPEL_TARGET: "pod/doppel", MIRRORD_IMPERSONATED_TARGET: "pod/mirrord" });
    assert.equal(config.target.path, "pod/doppel");
  });

  test("an empty variable counts as unset", () => {
    assert.equal(load(file(), { DOPPEL_TARGET: "" }).config.target.path, "pod/from-file");
    const alias = load(null, { DOPPEL_TARGET: "", MIRRORD_IMPERSONATED_TARGET: "pod/alias" });
    assert.equal(alias.config.target.path, "pod/alias");
  });

  test("flags beat the environment; unset flags change nothing", () => {
    const overrides: ConfigOverrides = {
      target: { path: "sts/from-flag", namespace: null },
      agent: { namespace: undefined },
    };
    const { config } = load(file(), { DOPPEL_TARGET: "pod/env", DOPPEL_AGENT_NAMESPACE: "agents" }, { overrides });
    assert.equal(config.target.path, "statefulset/from-flag");
    assert.equal(config.target.namespace, "file-ns");
    assert.equal(config.agent.namespace, "agents");
  });

  test("an invalid value from a variable names the variable", () => {
    const problem = onlyProblem(() => load(null, { DOPPEL_FS_MODE: "reed" }));
    assertAt(problem, ErrorCode.ConfigInvalidValue, null, null, null, "feature.fs.mode");
    assert.match(problem.message, /did you mean "read"\?.*\(set by DOPPEL_FS_MODE\)/);
  });

  test("a bad target from a flag names the flag", () => {
    const problem = onlyProblem(() => load(null, {}, { overrides: { target: { path: "pods/x" } } }));
    assertAt(problem, ErrorCode.ConfigInvalidTarget, null, null, null, "target.path");
    assert.match(problem.message, /set by a command-line flag/);
  });
});

describe("targetless rules depend on the IDE", () => {
  test("a target namespace without a target is an error on the command line, not in the IDE", () => {
    const file = writeConfig("ns.json", '{ "target": { "namespace": "prod" } }');
    assertAt(
      onlyProblem(() => load(file)),
      ErrorCode.ConfigConflict,
      file,
      1,
      28,
      "target.namespace",
    );
    assert.equal(load(file, {}, { ide: true }).config.target.namespace, "prod");
  });

  test("steal without a target is an error on the command line, and always with an explicit targetless", () => {
    const file = writeConfig("steal.yaml", "feature:\n  network:\n    incoming: steal\n");
    assertAt(
      onlyProblem(() => load(file)),
      ErrorCode.ConfigConflict,
      file,
      3,
      15,
      "feature.network.incoming.mode",
    );
    assert.equal(load(file, {}, { ide: true }).config.feature.network.incoming.mode, "steal");
    assert.throws(() => load(file, { DOPPEL_TARGET: "targetless" }, { ide: true }), ConfigError);
  });

  test("an ephemeral agent needs a target", () => {
    const file = writeConfig("eph.toml", "[agent]\nephemeral = true\n");
    assertAt(
      onlyProblem(() => load(file)),
      ErrorCode.ConfigConflict,
      file,
      2,
      13,
      "agent.ephemeral",
    );
  });

  test("a namespace means nothing for a local pid target", () => {
    const problem = onlyProblem(() => load(null, { DOPPEL_TARGET: "pid/42", DOPPEL_TARGET_NAMESPACE: "x" }));
    assert.equal(problem.code, ErrorCode.ConfigConflict);
    assert.match(problem.message, /set by DOPPEL_TARGET_NAMESPACE/);
  });
});

// Which keys are planned changes as the engine grows (schema.json's x-doppel-support), so these tests pick
// planned keys from the schema instead of naming them; support.test.ts covers the walk on a fixed schema.
describe("keys the engine does not implement yet warn, never silently", () => {
  const plannedBooleans = [...keyPaths()].filter(
    ({ path, full }) => full.type === "boolean" && supportOf(path) === "planned",
  );

  /** YAML setting `path` to `value`, one key per line, under a target so no targetless rule fires. */
  function nestedYaml(path: readonly string[], value: string): string {
    return `target: pod/a\n${path.map((key, depth) => `${"  ".repeat(depth)}${key}:`).join("\n")} ${value}\n`;
  }

  test("a planned key set in the file warns with its location", (t) => {
    const chosen = plannedBooleans[0];
    if (chosen === undefined) return t.skip("every boolean key is implemented");
    const file = writeConfig("planned.yaml", nestedYaml(chosen.path, String(!chosen.node.default)));
    // The warning names the outermost planned key on the path, at the line and indentation it is written with.
    const warned = chosen.path.findIndex((_, i) => supportOf(chosen.path.slice(0, i + 1)) === "planned");
    const key = chosen.path.slice(0, warned + 1).join(".");
    assert.deepEqual(load(file).warnings, [
      `${file}:${warned + 2}:${2 * warned + 1}: ${key} is not supported yet; it is ignored`,
    ]);
  });

  test("a shorthand warns about the key it expands into, at the shorthand", (t) => {
    const shorthand = [...keyPaths()].flatMap(({ path, node }) => {
      const into = node.anyOf?.map((b) => deref(b)[EXPAND_KEYWORD]).find((e) => e !== undefined && "into" in e);
      const branch = node.anyOf?.map((b) => deref(b)).find((b) => b[EXPAND_KEYWORD] === into);
      if (into === undefined || !("into" in into) || branch === undefined) return [];
      const child = [...path, into.into];
      if (supportOf(path) === "planned" || supportOf(child) !== "planned") return [];
      const value = branch.enum?.[0] ?? (branch.type === "boolean" ? false : undefined);
      return value === undefined ? [] : [{ path, child, value }];
    })[0];
    if (shorthand === undefined) return t.skip("no planned key is set through a shorthand");
    const file = writeConfig("shorthand.yaml", nestedYaml(shorthand.path, String(shorthand.value)));
    const last = shorthand.path.length - 1;
    const column = 2 * last + (shorthand.path[last]?.length ?? 0) + 3;
    assert.deepEqual(load(file).warnings, [
      `${file}:${last + 2}:${column}: ${shorthand.child.join(".")} is not supported yet; it is ignored`,
    ]);
  });

  test("a planned table is reported once, not per key inside", (t) => {
    // A planned table whose minimal form (one boolean inside, or empty) is a valid configuration.
    const candidates = [...keyPaths()]
      .filter(({ node, full }) => node[SUPPORT_KEYWORD] === "planned" && full.properties !== undefined)
      .map((table) => {
        const leaf = Object.entries(table.full.properties ?? {}).find(([, s]) => fullFormOf(s).type === "boolean");
        const inner = leaf === undefined ? {} : { [leaf[0]]: true };
        const raw = table.path.reduceRight<unknown>((value, key) => ({ [key]: value }), inner);
        return { table, text: JSON.stringify({ target: "pod/a", ...(raw as object) }, null, 2) };
      });
    const loads = (text: string) => {
      try {
        load(writeConfig("probe.json", text));
        return true;
      } catch {
        return false;
      }
    };
    const chosen = candidates.find(({ text }) => loads(text));
    if (chosen === undefined) return t.skip("no table is planned as a whole");
    const { table, text } = chosen;
    const file = writeConfig("table.json", text);
    const { line, column } = positionOf(text, `"${table.path.at(-1)}"`);
    assert.deepEqual(load(file).warnings, [
      `${file}:${line}:${column}: ${table.path.join(".")} is not supported yet; it is ignored`,
    ]);
  });

  test("a planned key set by a variable names the variable", (t) => {
    const binding = ENV_BINDINGS.find((b) => supportOf(b.path) === "planned" && b.path.join(".") !== "target.path");
    if (binding === undefined) return t.skip("every variable sets an implemented key");
    const value = binding.path.at(-1) === "mode" ? String(schemaAt(binding.path)?.enum?.[0]) : "x";
    assert.deepEqual(load(null, { [binding.name]: value }, { ide: true }).warnings, [
      `${binding.name}: ${binding.path.join(".")} is not supported yet; it is ignored`,
    ]);
  });

  test("supported keys and defaults never warn", () => {
    assert.deepEqual(load(null).warnings, []);
    assert.deepEqual(load(null, { DOPPEL_TARGET: "pod/a", DOPPEL_TARGET_NAMESPACE: "ns" }).warnings, []);
  });
});

test("the schema's example (rendered into docs/configuration.md in each format) is a valid configuration", () => {
  const example = configSchema.examples?.[0];
  const resolved = [
    ["example.json", JSON.stringify(example)],
    ["example.toml", toToml(example as Record<string, unknown>)],
    ["example.yaml", toYaml(example)],
  ].map(([name, text]) => load(writeConfig(name as string, text as string)).config);
  assert.deepEqual(resolved[1], resolved[0]);
  assert.deepEqual(resolved[2], resolved[0]);
});
