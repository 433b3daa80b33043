import assert from "node:assert/strict";
import { test } from "node:test";
import {
  ConfigError,
  configProblem,
  DoppelError,
  doppelError,
  ErrorCode,
  exitCodeOf,
  formatProblem,
  isDoppelError,
} from "./errors.ts";

test("exit codes: 1 for the user's errors, 2 for bugs", () => {
  assert.equal(exitCodeOf(doppelError.workspaceNotFound("/x")), 1);
  assert.equal(exitCodeOf(new ConfigError([configProblem.fileNotFound("/x.json")])), 1);
  assert.equal(exitCodeOf(new Error("boom")), 2);
  assert.equal(exitCodeOf("thrown string"), 2);
});

test("checks match on the code, not the text", () => {
  const error = doppelError.configPathNotAbsolute("DOPPEL_CONFIG_FILE", "a.json");
  assert.ok(isDoppelError(error, ErrorCode.ConfigPathNotAbsolute));
  assert.ok(!isDoppelError(error, ErrorCode.TargetInvalid));
  assert.ok(!isDoppelError(new Error("x"), ErrorCode.ConfigPathNotAbsolute));
});

test("every factory names what failed and says what to do", () => {
  for (const error of [
    doppelError.configPathNotAbsolute("DOPPEL_CONFIG_FILE", "a.json"),
    doppelError.workspaceNotFound("/nowhere"),
    doppelError.targetInvalid("pods/a", "bad kind", "<grammar>", "pod/a"),
  ]) {
    assert.ok(error instanceof DoppelError);
    assert.ok(error.message.length > 10, error.message);
    assert.ok(error.hint !== null && error.hint.length > 5, `${error.code} has no hint`);
  }
});

test("a ConfigError carries every problem, located, and points at the first", () => {
  const first = configProblem.unknownKey({ file: "/w/d.yaml", line: 2, column: 3, key: "agnt" }, "agnt", "agent");
  const second = configProblem.fileNotFound("/w/other.json");
  const error = new ConfigError([first, second]);
  assert.equal(error.code, ErrorCode.ConfigInvalid);
  assert.deepEqual(error.errors, [first, second]);
  assert.deepEqual(error.location, first);
  assert.equal(
    error.message,
    '/w/d.yaml:2:3: agnt: unknown key "agnt"; did you mean "agent"?\n' +
      "/w/other.json: configuration file not found; check the path, or run `doppel config list` to see the candidates",
  );
  assert.equal(
    formatProblem({ ...first, file: null, line: null, column: null }),
    'agnt: unknown key "agnt"; did you mean "agent"?',
  );
});
