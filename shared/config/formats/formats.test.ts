import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { ConfigError, type ConfigProblem, ErrorCode } from "../../errors.ts";
import { parseConfigText } from "./index.ts";

function problemsOf(fn: () => unknown): ConfigProblem[] {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${error}`);
    return error.errors;
  }
  assert.fail("expected a ConfigError");
}

const SAME_DOCUMENT = {
  "a.json": `{
  // comment
  "target": "pod/api",
  "feature": {
    "fs": { "read_only": ["^/etc/.+", "^/srv/.+"], },
  },
}`,
  "a.toml": `target = "pod/api"

[feature.fs]
read_only = ["^/etc/.+", "^/srv/.+"]
`,
  "a.yaml": `# comment
target: pod/api
feature:
  fs:
    read_only:
      - ^/etc/.+
      - ^/srv/.+
`,
};

const EXPECTED_VALUE = { target: "pod/api", feature: { fs: { read_only: ["^/etc/.+", "^/srv/.+"] } } };

describe("every format parses to the same value and locates keys", () => {
  const expectedPositions: Record<string, Record<string, [number, number]>> = {
    "a.json": { target: [3, 13], "target#key": [3, 3], item1: [5, 39], "fs#key": [5, 5] },
    "a.toml": { target: [1, 10], "target#key": [1, 1], item1: [4, 26], "fs#key": [3, 10] },
    "a.yaml": { target: [2, 9], "target#key": [2, 1], item1: [7, 9], "fs#key": [4, 3] },
  };
  for (const [file, text] of Object.entries(SAME_DOCUMENT)) {
    test(file, () => {
      const parsed = parseConfigText(text, file);
      assert.deepEqual(parsed.value, EXPECTED_VALUE);
      const want = expectedPositions[file] ?? {};
      const pos = (p: { line: number; column: number } | undefined) => (p === undefined ? p : [p.line, p.column]);
      assert.deepEqual(pos(parsed.locate(["target"])), want.target);
      assert.deepEqual(pos(parsed.locate(["target"], "key")), want["target#key"]);
      assert.deepEqual(pos(parsed.locate(["feature", "fs", "read_only", 1])), want.item1);
      assert.deepEqual(pos(parsed.locate(["feature", "fs"], "key")), want["fs#key"]);
      assert.equal(parsed.locate(["feature", "nope"]), undefined);
    });
  }
});

describe("TOML locates dotted keys, inline tables and array tables", () => {
  test("positions", () => {
    const text = `feature.network.incoming = { mode = "steal", ports = [80, 81] }\n[[agent.image_pull_secrets]]\nname = "a"\n`;
    const parsed = parseConfigText(text, "x.toml");
    assert.deepEqual(parsed.locate(["feature", "network"], "key"), { line: 1, column: 9 });
    assert.deepEqual(parsed.locate(["feature", "network", "incoming", "mode"]), { line: 1, column: 37 });
    assert.deepEqual(parsed.locate(["feature", "network", "incoming", "ports", 1]), { line: 1, column: 59 });
    assert.deepEqual(parsed.locate(["agent", "image_pull_secrets", 0, "name"]), { line: 3, column: 8 });
  });
});

describe("empty documents are an empty table", () => {
  for (const [file, text] of [
    ["e.json", ""],
    ["e.json", "  // only a comment\n"],
    ["e.toml", ""],
    ["e.toml", "# only a comment\n"],
    ["e.yaml", ""],
    ["e.yml", "# only a comment\n"],
  ] as const) {
    test(`${file} ${JSON.stringify(text)}`, () => assert.deepEqual(parseConfigText(text, file).value, {}));
  }
});

describe("syntax errors are located", () => {
  const cases: [string, string, number, number][] = [
    ["bad.json", '{\n  "target": "pod/a",\n  "feature" {}\n}', 3, 13],
    ["bad.toml", 'target = "pod/a"\nfeature = [1,\n', 3, 1],
    ["bad.yaml", "target: pod/a\nfeature: [1, 2\nagent: {}\n", 3, 1],
  ];
  for (const [file, text, line, column] of cases) {
    test(file, () => {
      const [problem, ...rest] = problemsOf(() => parseConfigText(text, file));
      assert.equal(rest.length, 0);
      assert.equal(problem?.code, ErrorCode.ConfigSyntax);
      assert.equal(problem?.file, file);
      assert.equal(problem?.key, "");
      assert.deepEqual([problem?.line, problem?.column], [line, column]);
      assert.match(problem?.message ?? "", /syntax error: \S/);
    });
  }
});

describe("a key set twice is an error naming the key", () => {
  test("YAML", () => {
    const [problem] = problemsOf(() =>
      parseConfigText("feature:\n  fs:\n    mode: read\n    mode: write\n", "dup.yaml"),
    );
    assert.equal(problem?.code, ErrorCode.ConfigDuplicateKey);
    assert.deepEqual(
      [problem?.file, problem?.line, problem?.column, problem?.key],
      ["dup.yaml", 4, 5, "feature.fs.mode"],
    );
  });
  test("JSON", () => {
    const [problem] = problemsOf(() => parseConfigText('{"agent": {"ttl": 1,\n "ttl": 2}}', "dup.json"));
    assert.equal(problem?.code, ErrorCode.ConfigDuplicateKey);
    assert.deepEqual([problem?.line, problem?.column, problem?.key], [2, 2, "agent.ttl"]);
  });
});

test("a document that is not a table is rejected", () => {
  const [problem] = problemsOf(() => parseConfigText("[1, 2]", "list.json"));
  assert.equal(problem?.code, ErrorCode.ConfigNotAnObject);
  assert.deepEqual([problem?.line, problem?.column], [1, 1]);
});

test("an unknown extension is rejected", () => {
  const [problem] = problemsOf(() => parseConfigText("{}", "doppel.ini"));
  assert.equal(problem?.code, ErrorCode.ConfigUnknownFormat);
});
