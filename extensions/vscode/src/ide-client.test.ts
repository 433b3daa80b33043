// The client against the real CLI (from the sources): the configuration rules as the extension applies them
// (active override > DOPPEL_CONFIG_FILE in the launch env > the folder's default), located errors, protocol
// checks, and a start that fails before its session is ready.
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { fileURLToPath } from "node:url";
import { IdeClient, IdeCommandError, IdeProtocolError } from "./ide-client.ts";
import { configArgs } from "./launch-rules.ts";

const source = {
  node: process.execPath,
  args: [
    "--import",
    import.meta.resolve("tsx"),
    fileURLToPath(new URL("../../../shared/cli/main.ts", import.meta.url)),
  ],
};
const workspace = mkdtempSync(join(tmpdir(), "doppel-ext-client-"));
after(() => rmSync(workspace, { recursive: true, force: true }));
const cleanEnv = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^(DOPPEL_|MIRRORD_)/.test(key)));
const logged: string[] = [];
const client = new IdeClient({ cli: source, log: (line) => logged.push(line), env: cleanEnv });

function write(name: string, text: string): string {
  const path = join(workspace, name);
  mkdirSync(join(path, ".."), { recursive: true });
  writeFileSync(path, text);
  return path;
}
const folderDefault = write(".doppel/doppel.json", '{ "target": "pid/1" }\n');
const fromEnv = write("configs/env-doppel.json", "{}\n");
const active = write("configs/active-doppel.json", '{ "target": "targetless" }\n');
const broken = write("broken.json", '{\n  "agent": { "ttl": "soon" }\n}\n');

async function resolved(activeOverride: string | null, launchEnv: Record<string, string>) {
  return client.request(["resolve", ...configArgs({ workspace, activeOverride, launchEnv })], "config");
}

test("config resolution: the folder's default when nothing else is set", async () => {
  const config = await resolved(null, {});
  assert.deepEqual([config.path, config.source, config.target], [folderDefault, "default", "pid/1"]);
});

test("config resolution: DOPPEL_CONFIG_FILE in the launch env beats the default", async () => {
  const config = await resolved(null, { DOPPEL_CONFIG_FILE: fromEnv });
  assert.deepEqual([config.path, config.source, config.target], [fromEnv, "env", null]);
});

test("config resolution: the active override beats DOPPEL_CONFIG_FILE", async () => {
  const config = await resolved(active, { DOPPEL_CONFIG_FILE: fromEnv });
  assert.deepEqual([config.path, config.source, config.target], [active, "active", "targetless"]);
});

test("a broken configuration arrives as an IdeCommandError located in the file", async () => {
  await assert.rejects(resolved(broken, {}), (error: unknown) => {
    assert.ok(error instanceof IdeCommandError);
    assert.equal(error.event.code, "CONFIG_INVALID");
    assert.deepEqual([error.event.file, error.event.line], [broken, 2]);
    assert.ok(error.event.actions.includes("open-config"));
    return true;
  });
});

test("configs lists every candidate", async () => {
  const configs = await client.request(["configs", "--workspace", workspace], "configs");
  assert.deepEqual(configs.candidates.sort(), [active, fromEnv, folderDefault].sort());
});

test("start fails with the error line when the target is not running", async () => {
  const start = client.start(
    ["--workspace", workspace, "--target", "pid/999999999"],
    { progress: () => {}, log: () => {} },
    new AbortController().signal,
  );
  await assert.rejects(start, (error: unknown) => error instanceof IdeCommandError);
});

test("a CLI that does not speak the protocol is refused with a message naming the fix", async () => {
  const silent = new IdeClient({ cli: { node: process.execPath, args: ["-e", "console.log('hi')"] }, log: () => {} });
  await assert.rejects(silent.request(["version"], "hello"), IdeProtocolError);
  const future = new IdeClient({
    cli: {
      node: process.execPath,
      args: ["-e", 'console.log(JSON.stringify({type:"hello",protocol:99,doppel:"9.0.0"}))'],
    },
    log: () => {},
  });
  await assert.rejects(
    future.request(["version"], "hello"),
    /speaks IDE protocol 99 \(doppel 9\.0\.0\).*needs IDE protocol 1/,
  );
});
