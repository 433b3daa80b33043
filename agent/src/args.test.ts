import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import { parseAgentArgs } from "./args.ts";
import { agentBundle, buildAgent } from "./testing/run-agent.ts";

const dir = mkdtempSync(join(tmpdir(), "dpl-args-"));
const tokenFile = join(dir, "token");
writeFileSync(tokenFile, "s3cret\n");

describe("agent command line", () => {
  test("reads the token (trimmed), the listen address and the timeout", () => {
    const args = parseAgentArgs([
      "--pid",
      "42",
      "--listen",
      "[::1]:7000",
      "--token-file",
      tokenFile,
      "--session",
      "abc",
      "--communication-timeout",
      "2.5",
    ]);
    assert.deepEqual(args, {
      target: { kind: "pid", pid: 42 },
      listenHost: "::1",
      listenPort: 7000,
      token: "s3cret",
      tokenVariable: undefined,
      session: "abc",
      communicationTimeoutMs: 2500,
    });
  });

  test("in a cluster: a container ID (runtime prefix dropped) or targetless, the token from a variable", () => {
    const id = "ab".repeat(32);
    const env = { DOPPEL_AGENT_TOKEN: "from-secret" };
    const container = parseAgentArgs(
      ["--container-id", `containerd://${id}`, "--token-env", "DOPPEL_AGENT_TOKEN"],
      env,
    );
    assert.deepEqual(container.target, { kind: "container", containerId: id });
    assert.equal(container.token, "from-secret");
    assert.equal(container.tokenVariable, "DOPPEL_AGENT_TOKEN");
    const targetless = parseAgentArgs(["--targetless", "--token-env", "DOPPEL_AGENT_TOKEN"], env);
    assert.deepEqual(targetless.target, { kind: "targetless" });
  });

  test("defaults: loopback on a free port, a random session, 30 s", () => {
    const args = parseAgentArgs(["--pid", "42", "--token-file", tokenFile]);
    assert.equal(args.listenHost, "127.0.0.1");
    assert.equal(args.listenPort, 0);
    assert.match(args.session, /^[0-9a-f]{8}$/);
    assert.equal(args.communicationTimeoutMs, 30_000);
  });

  test("each mistake is named with what to do", () => {
    assert.throws(() => parseAgentArgs(["--token-file", tokenFile]), /exactly one target/);
    assert.throws(
      () => parseAgentArgs(["--pid", "42", "--targetless", "--token-file", tokenFile]),
      /exactly one target/,
    );
    assert.throws(() => parseAgentArgs(["--pid", "x", "--token-file", tokenFile]), /--pid must be a process id/);
    assert.throws(
      () => parseAgentArgs(["--container-id", "nope", "--token-file", tokenFile]),
      /--container-id must be/,
    );
    assert.throws(() => parseAgentArgs(["--pid", "42"]), /exactly one of --token-file or --token-env/);
    assert.throws(() => parseAgentArgs(["--pid", "42", "--token-env", "DPL_UNSET"], {}), /DPL_UNSET .* unset or empty/);
    assert.throws(
      () => parseAgentArgs(["--pid", "42", "--token-file", join(dir, "missing")]),
      /cannot read the token file/,
    );
    assert.throws(
      () => parseAgentArgs(["--pid", "42", "--token-file", tokenFile, "--listen", "nowhere"]),
      /--listen must be HOST:PORT/,
    );
    assert.throws(() => parseAgentArgs(["--pid", "42", "--token-file", tokenFile, "--bogus"]), /bogus/);
  });

  test("the bundled agent exits 1 with a clear message when the target does not exist", () => {
    buildAgent();
    const result = spawnSync(process.execPath, [agentBundle, "--pid", "999999999", "--token-file", tokenFile], {
      encoding: "utf8",
    });
    assert.equal(result.status, 1);
    assert.equal(result.stdout, "");
    assert.match(result.stderr, /cannot open the network namespace of pid 999999999/);
  });
});
