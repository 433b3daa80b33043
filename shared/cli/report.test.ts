import assert from "node:assert/strict";
import { test } from "node:test";
import { CommanderError } from "commander";
import { ConfigError, configProblem, doppelError } from "../errors.ts";
import { colorsEnabled, styleFor } from "./io.ts";
import { describeFailure } from "./report.ts";

const plain = styleFor({ write: () => true, isTTY: false }, {});

test("a DoppelError is the user's to fix: message, hint, exit 1", () => {
  const failure = describeFailure(doppelError.configPathNotAbsolute("DOPPEL_CONFIG_FILE", "a.json"), plain);
  assert.equal(failure.exitCode, 1);
  assert.match(failure.text, /^error: DOPPEL_CONFIG_FILE must be an absolute path, got "a.json"\nhint: set /);
});

test("a ConfigError lists every located problem", () => {
  const site = { file: "/w/.doppel/doppel.json", line: 3, column: 5, key: "agent.ttl" };
  const failure = describeFailure(new ConfigError([configProblem.wrongType(site, "integer", 'string "x"')]), plain);
  assert.equal(failure.exitCode, 1);
  assert.match(failure.text, /\n {2}\/w\/\.doppel\/doppel\.json:3:5: agent\.ttl: expected integer, got string "x"\n/);
});

test("anything else is a bug: stack trace, a request to report it, exit 2", () => {
  const failure = describeFailure(new TypeError("undefined is not a function"), plain);
  assert.equal(failure.exitCode, 2);
  assert.match(failure.text, /^internal error: TypeError: undefined is not a function\n\s+at /);
  assert.match(failure.text, /This is a bug in doppel/);
});

test("commander's own exits keep their code and print nothing more", () => {
  assert.deepEqual(describeFailure(new CommanderError(0, "commander.helpDisplayed", "(outputHelp)"), plain), {
    text: "",
    exitCode: 0,
  });
});

test("colours only on a terminal, never with NO_COLOR or TERM=dumb", () => {
  const tty = { write: () => true, isTTY: true };
  assert.equal(colorsEnabled(tty, {}), true);
  assert.equal(colorsEnabled(tty, { NO_COLOR: "1" }), false);
  assert.equal(colorsEnabled(tty, { NO_COLOR: "" }), true);
  assert.equal(colorsEnabled(tty, { TERM: "dumb" }), false);
  assert.equal(colorsEnabled({ write: () => true }, {}), false);
  assert.ok(styleFor(tty, {}).error("x").startsWith("\u001b["));
  assert.equal(styleFor(tty, { NO_COLOR: "1" }).error("x"), "x");
});
