import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { filterEnvironment, parseEnviron, wildcardToRegExp } from "./environment.ts";

describe("target environment", () => {
  test("parses NUL-separated records, keeps '=' inside values and skips records without a name", () => {
    const raw = Buffer.from("A=1\0B=x=y\0=nameless\0noequals\0EMPTY=\0");
    assert.deepEqual(
      [...parseEnviron(raw).vars],
      [
        ["A", "1"],
        ["B", "x=y"],
        ["EMPTY", ""],
      ],
    );
  });

  test("records that are not UTF-8 are reported, not passed on", () => {
    const raw = Buffer.concat([Buffer.from("GOOD=1\0BAD="), Buffer.from([0xff, 0xfe]), Buffer.from("\0")]);
    const { vars, skipped } = parseEnviron(raw);
    assert.deepEqual([...vars.keys()], ["GOOD"]);
    assert.equal(skipped.length, 1);
    assert.match(skipped[0] as string, /^BAD=/);
  });

  test("* and ? wildcards match whole names; other characters are literal", () => {
    assert.equal(wildcardToRegExp("DB_*").test("DB_HOST"), true);
    assert.equal(wildcardToRegExp("DB_*").test("XDB_HOST"), false);
    assert.equal(wildcardToRegExp("A?C").test("ABC"), true);
    assert.equal(wildcardToRegExp("A?C").test("ABBC"), false);
    assert.equal(wildcardToRegExp("A.C").test("ABC"), false);
    assert.equal(wildcardToRegExp("A+(C)").test("A+(C)"), true);
  });

  test("include keeps only matches; exclude wins over include", () => {
    const vars = new Map([
      ["DB_HOST", "h"],
      ["DB_PASSWORD", "p"],
      ["HOME", "/root"],
    ]);
    assert.deepEqual([...filterEnvironment(vars, { include: ["DB_*"] }).keys()], ["DB_HOST", "DB_PASSWORD"]);
    assert.deepEqual([...filterEnvironment(vars, { include: ["DB_*"], exclude: ["*PASSWORD"] }).keys()], ["DB_HOST"]);
    assert.deepEqual([...filterEnvironment(vars, { exclude: ["DB_*"] }).keys()], ["HOME"]);
    assert.deepEqual([...filterEnvironment(vars, {}).keys()], ["DB_HOST", "DB_PASSWORD", "HOME"]);
  });
});
