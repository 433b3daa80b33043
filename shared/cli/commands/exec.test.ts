// `doppel exec` as a real process: what the user sees when a session cannot start, and --explain-fs.
// The sessions themselves are proven end to end in test/e2e/.
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { after, test } from "node:test";
import { fileURLToPath } from "node:url";
import { layerLibraryPath } from "../../session/open-session.ts";

const repo = fileURLToPath(new URL("../../../", import.meta.url));
const main = fileURLToPath(new URL("../main.ts", import.meta.url));
const tsxLoader = import.meta.resolve("tsx");
const target = spawn("sleep", ["600"]);
after(() => target.kill());

function exec(args: string[], asUser?: string) {
  const argv = [process.execPath, "--import", tsxLoader, main, "exec", ...args];
  const command = asUser ? ["setpriv", `--reuid=${asUser}`, "--regid=nogroup", "--clear-groups", "--", ...argv] : argv;
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !/^(DOPPEL_(?!LAYER_PATH)|MIRRORD_)/.test(key)),
  );
  const result = spawnSync(command[0] as string, command.slice(1), {
    cwd: repo,
    env: { ...env, HOME: "/tmp" },
    encoding: "utf8",
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

test("a missing command is explained with an example", () => {
  const result = exec(["-t", `pid/${target.pid}`]);
  assert.equal(result.code, 1);
  assert.match(result.stderr, /name the command to run after --, e.g. doppel exec -t pid\/1234 -- node app.js/);
});

test("a pid that does not run is named, with how to check it", () => {
  const result = exec(["-t", "pid/999999999", "--", "true"]);
  assert.equal(result.code, 1);
  assert.match(result.stderr, /no process with pid 999999999 is running/);
  assert.match(result.stderr, /hint: check the pid with `ps -p <pid>`/);
});

test("a Kubernetes target needs a kubeconfig; without one the error says how to give it", () => {
  const result = exec(["-t", "deploy/api", "--kubeconfig", "/nonexistent/dpl-kubeconfig", "--", "true"]);
  assert.equal(result.code, 1);
  assert.match(result.stderr, /no kubeconfig file: \/nonexistent\/dpl-kubeconfig/);
  assert.match(result.stderr, /hint: pass --kubeconfig/);
});

test("a local target without root says that root is needed", {
  skip: process.getuid?.() !== 0 && "needs root to switch users",
}, () => {
  const result = exec(["-t", `pid/${target.pid}`, "--", "true"], "nobody");
  assert.equal(result.code, 1);
  assert.match(result.stderr, /needs root on Linux/);
  assert.match(result.stderr, /hint: run doppel as root/);
});

test("--explain-fs shows where a path goes and why, with the configured mode", {
  skip: !existsSync(layerLibraryPath()) && "native layer not built",
}, () => {
  const pod = exec(["--explain-fs", "/etc/resolv.conf"]);
  assert.equal(pod.code, 0, pod.stderr);
  assert.match(pod.stdout, /^\/etc\/resolv\.conf → remote because /);
  const local = exec(["--fs-mode", "local", "--explain-fs", "/srv/data.json"]);
  assert.match(local.stdout, /^\/srv\/data\.json → local because fs mode is local/);
});
