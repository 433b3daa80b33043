// End-to-end (issue 8 item 2): the config keys that decide, call by call, whether a file, a connection or a name
// lookup goes to the pod or stays local. Each test writes a config file, runs a real Node app (or sh, cat, make)
// under `doppel exec -f FILE -t pid/<pod>` against a namespaced pod of the test bed, and checks what the app saw —
// and that doppel no longer calls the key "not supported yet". Root and Linux only.
import assert from "node:assert/strict";
import { once } from "node:events";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { createTestBed, type Pod, type TestBed } from "../pod/index.ts";
import { type DoppelRun, doppelExec, stopAllRuns } from "./doppel-run.ts";
import { buildPrerequisites } from "./prerequisites.ts";

const probeApp = fileURLToPath(new URL("./apps/config-probe.mjs", import.meta.url));
const podDir = "/srv/dpl-cfg";
const podFiles = {
  hidden: `${podDir}/hidden.txt`,
  visible: `${podDir}/visible.txt`,
  keptLocal: `${podDir}/kept-local.txt`,
  readOnlyTarget: `${podDir}/read-only-target.txt`,
  makefile: `${podDir}/Makefile`,
  gccOptions: `${podDir}/gcc-options`,
  /** Under /etc, which the built-in rules keep local. */
  etcListed: "/etc/dpl-cfg-listed.conf",
  etcUnlisted: "/etc/dpl-cfg-unlisted.conf",
} as const;
const contentOf = (path: string) => `pod content of ${path}`;
const makefileText = "all:\n\t@echo made from the Makefile in the pod\n";

let bed: TestBed;
let pod: Pod;
let scratch: string;
/** An HTTP server on this machine's loopback: only a connection that stays local reaches it. */
let hostServer: Server;
let hostUrl: (path: string) => string;

before(async () => {
  buildPrerequisites();
  for (const path of [podDir, podFiles.etcListed, podFiles.etcUnlisted])
    assert.equal(existsSync(path), false, `${path} must exist only in the pod`);
  scratch = mkdtempSync(join(tmpdir(), "dpl-config-keys-"));
  hostServer = createServer((request, response) => response.end(`host: ${request.method} ${request.url}\n`));
  await new Promise<void>((resolve) => hostServer.listen(0, "127.0.0.1", resolve));
  const { port } = hostServer.address() as AddressInfo;
  hostUrl = (path) => `http://127.0.0.1:${port}${path}`;
  bed = await createTestBed();
  const files: Record<string, string> = Object.fromEntries(
    Object.values(podFiles).map((path) => [path, contentOf(path)]),
  );
  files[podFiles.makefile] = makefileText;
  files[podFiles.gccOptions] = "-dumpversion\n";
  pod = await bed.pod({ name: "cfg", files });
});

after(async () => {
  await stopAllRuns();
  await bed?.destroy();
  hostServer?.close();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

let configCount = 0;

/** Runs `argv` under `doppel exec -f <config>` against the pod and waits for it to exit. */
async function execWith(config: object, argv: readonly string[]): Promise<DoppelRun> {
  const file = join(scratch, `config-${++configCount}.json`);
  writeFileSync(file, JSON.stringify(config));
  const run = doppelExec(["-f", file, "-t", `pid/${pod.pid}`, "--", ...argv]);
  // "close", not "exit": every line of stdout has been read by then.
  await once(run.process, "close");
  assert.doesNotMatch(run.stderr, /not supported yet/, "every key of the config is supported");
  return run;
}

/** The config-probe app's results for `operations` (see apps/config-probe.mjs). */
async function probe(config: object, operations: readonly string[]): Promise<unknown[]> {
  const run = await execWith(config, [process.execPath, probeApp, ...operations]);
  const line = await run.line((candidate) => Array.isArray(candidate.results), 0).catch(() => undefined);
  assert.ok(line, `the probe printed no results; exit ${run.process.exitCode}; stderr: ${run.stderr}`);
  return line.results as unknown[];
}

/** The app's stdout lines, for commands that print text. */
const textOf = (run: DoppelRun) => run.lines.map((line) => line.text);

describe("feature.fs lists, under the default mode read", () => {
  test("not_found: a listed path is ENOENT although the pod has it", { timeout: 60_000 }, async () => {
    const results = await probe({ feature: { fs: { not_found: ["^/srv/dpl-cfg/hidden"] } } }, [
      `read:${podFiles.hidden}`,
      `read:${podFiles.visible}`,
    ]);
    assert.deepEqual(results, ["error: ENOENT", contentOf(podFiles.visible)]);
  });

  test("read_only: a listed /etc path (built-in local) is read from the pod; writes to a listed path stay local", {
    timeout: 60_000,
  }, async () => {
    const config = { feature: { fs: { read_only: ["^/etc/dpl-cfg-listed\\.conf$", "read-only-target"] } } };
    const results = await probe(config, [
      `read:${podFiles.etcListed}`,
      `read:${podFiles.etcUnlisted}`,
      `write:${podFiles.readOnlyTarget}=changed`,
    ]);
    assert.deepEqual(results.slice(0, 2), [contentOf(podFiles.etcListed), "error: ENOENT"]);
    assert.equal(results[2], "error: ENOENT", "the write went to this machine, which has no /srv/dpl-cfg");
    const { stdout } = await pod.exec(["cat", podFiles.readOnlyTarget]);
    assert.equal(stdout, contentOf(podFiles.readOnlyTarget), "the pod's file is unchanged");
  });

  test("read_write: a listed /tmp path (built-in local) is written in the pod, not here", {
    timeout: 60_000,
  }, async () => {
    const path = `/tmp/dpl-cfg-rw-${process.pid}.txt`;
    const results = await probe({ feature: { fs: { read_write: ["^/tmp/dpl-cfg-rw-"] } } }, [
      `write:${path}=written through doppel`,
      `read:${path}`,
    ]);
    assert.deepEqual(results, ["written", "written through doppel"]);
    assert.equal((await pod.exec(["cat", path])).stdout, "written through doppel");
    assert.equal(existsSync(path), false, `${path} must not be created on this machine`);
  });

  test("local: a listed path stays local although the pod has it", { timeout: 60_000 }, async () => {
    // One regex as a plain string: the shorthand for a list of one.
    const results = await probe({ feature: { fs: { local: "kept-local" } } }, [
      `read:${podFiles.keptLocal}`,
      `read:${podFiles.visible}`,
    ]);
    assert.deepEqual(results, ["error: ENOENT", contentOf(podFiles.visible)]);
  });

  test("doppel exec --explain-fs honours the lists of the config file", { timeout: 60_000 }, async () => {
    const file = join(scratch, "explain.json");
    const fs = {
      not_found: ["^/srv/dpl-cfg/hidden"],
      read_write: ["^/tmp/dpl-cfg-rw-"],
      read_only: ["^/etc/dpl-cfg-listed\\.conf$"],
      local: ["kept-local"],
    };
    writeFileSync(file, JSON.stringify({ feature: { fs } }));
    const paths = [podFiles.hidden, "/tmp/dpl-cfg-rw-1", podFiles.etcListed, podFiles.keptLocal, podFiles.visible];
    const lines: string[] = [];
    for (const path of paths) {
      const run = doppelExec(["-f", file, "--explain-fs", path]);
      await once(run.process, "close");
      assert.equal(run.process.exitCode, 0, run.stderr);
      lines.push(...textOf(run).map(String));
    }
    assert.deepEqual(lines, [
      `${podFiles.hidden} → not_found because fs.not_found matches: ^/srv/dpl-cfg/hidden`,
      "/tmp/dpl-cfg-rw-1 → remote because fs.read_write matches: ^/tmp/dpl-cfg-rw-",
      `${podFiles.etcListed} → remote because fs.read_only matches: ^/etc/dpl-cfg-listed\\.conf$`,
      `${podFiles.keptLocal} → local because fs.local matches: kept-local`,
      `${podFiles.visible} → remote because fs mode read (fallback)`,
    ]);
  });
});

describe("feature.network.outgoing", () => {
  const backendUrl = (path: string) => `http://${bed.backend.ip}:${bed.backend.port}${path}`;
  const backendAnswer = (path: string) => `pod backend: GET ${path}\n`;
  const hostAnswer = (path: string) => `host: GET ${path}\n`;

  test("filter.remote with a tcp:// subnet: only the backend goes to the pod, loopback stays local", {
    timeout: 60_000,
  }, async () => {
    const config = { feature: { network: { outgoing: { filter: { remote: [`tcp://${bed.layout.subnet}`] } } } } };
    const results = await probe(config, [`get:${backendUrl("/subnet")}`, `get:${hostUrl("/subnet")}`]);
    assert.deepEqual(results, [backendAnswer("/subnet"), hostAnswer("/subnet")]);
  });

  test("filter.remote with a udp:// subnet does not take TCP to the pod", { timeout: 60_000 }, async () => {
    const config = { feature: { network: { outgoing: { filter: { remote: [`udp://${bed.layout.subnet}`] } } } } };
    const results = await probe(config, [`get:${backendUrl("/udp-only")}`, `get:${hostUrl("/udp-only")}`]);
    assert.match(String(results[0]), /^error: /, "this machine cannot reach the backend");
    assert.equal(results[1], hostAnswer("/udp-only"));
  });

  test("filter.remote with a host name (resolved by the pod) and with an address:port", {
    timeout: 60_000,
  }, async () => {
    const byName = { feature: { network: { outgoing: { filter: { remote: [bed.backend.dnsName] } } } } };
    // The address first: until the app looks the name up, nothing ties the backend's address to it.
    const named = await probe(byName, [
      `get:${backendUrl("/before-lookup")}`,
      `get:http://${bed.backend.dnsName}/by-name`,
      `get:${hostUrl("/by-name")}`,
    ]);
    assert.match(String(named[0]), /^error: /, "an address not looked up under the listed name stays local");
    assert.equal(named[1], backendAnswer("/by-name"));
    assert.equal(named[2], hostAnswer("/by-name"));

    const address = `${bed.backend.ip}:${bed.backend.port}`;
    const byAddress = { feature: { network: { outgoing: { filter: { remote: [address] } } } } };
    const addressed = await probe(byAddress, [`get:${backendUrl("/by-address")}`, `get:${hostUrl("/by-address")}`]);
    assert.deepEqual(addressed, [backendAnswer("/by-address"), hostAnswer("/by-address")]);
  });

  test("filter.remote with a host name also takes UDP to that name to the pod", { timeout: 60_000 }, async () => {
    const config = { feature: { network: { outgoing: { filter: { remote: [bed.backend.dnsName] } } } } };
    const results = await probe(config, [`udp:${bed.backend.dnsName}:${bed.backend.port}`]);
    assert.deepEqual(results, ["backend: ping"]);
  });

  test("filter.remote with a port alone", { timeout: 60_000 }, async () => {
    const config = { feature: { network: { outgoing: { filter: { remote: [`:${bed.backend.port}`] } } } } };
    const results = await probe(config, [`get:${backendUrl("/port")}`, `get:${hostUrl("/port")}`]);
    assert.deepEqual(results, [backendAnswer("/port"), hostAnswer("/port")]);
  });

  test("filter.local with an address:port: that one stays local, everything else goes to the pod", {
    timeout: 60_000,
  }, async () => {
    const { port } = hostServer.address() as AddressInfo;
    const config = { feature: { network: { outgoing: { filter: { local: [`127.0.0.1:${port}`] } } } } };
    const results = await probe(config, [`get:${backendUrl("/local-list")}`, `get:${hostUrl("/local-list")}`]);
    assert.deepEqual(results, [backendAnswer("/local-list"), hostAnswer("/local-list")]);
  });

  test("filter.local with a subnet: the backend stays local (unreachable here), loopback goes to the pod", {
    timeout: 60_000,
  }, async () => {
    const config = { feature: { network: { outgoing: { filter: { local: [bed.layout.subnet] } } } } };
    const results = await probe(config, [`get:${backendUrl("/local-subnet")}`, `get:${hostUrl("/local-subnet")}`]);
    assert.match(String(results[0]), /^error: /, "this machine cannot reach the backend");
    assert.equal(results[1], "error: ECONNREFUSED", "nothing listens on that port of the pod's loopback");
  });

  test("ignore_localhost: loopback stays local; without it loopback is the pod's", { timeout: 60_000 }, async () => {
    const ignoring = await probe({ feature: { network: { outgoing: { ignore_localhost: true } } } }, [
      `get:${hostUrl("/ignored")}`,
      `get:${backendUrl("/ignored")}`,
    ]);
    assert.deepEqual(ignoring, [hostAnswer("/ignored"), backendAnswer("/ignored")]);
    const remote = await probe({}, [`get:${hostUrl("/default")}`]);
    assert.deepEqual(remote, ["error: ECONNREFUSED"], "by default 127.0.0.1 is the pod's loopback");
  });
});

describe("feature.network.dns.filter", () => {
  test("local: a listed name is resolved here (where cluster names do not resolve), others by the pod", {
    timeout: 60_000,
  }, async () => {
    const config = { feature: { network: { dns: { filter: { local: [pod.dnsName] } } } } };
    const results = await probe(config, [`lookup:${pod.dnsName}`, `lookup:${bed.backend.dnsName}`]);
    assert.deepEqual(results, ["error: ENOTFOUND", bed.backend.ip]);
  });

  test("remote: only a listed name is resolved by the pod", { timeout: 60_000 }, async () => {
    const config = { feature: { network: { dns: { filter: { remote: [bed.backend.dnsName] } } } } };
    const results = await probe(config, [`lookup:${bed.backend.dnsName}`, `lookup:${pod.dnsName}`]);
    assert.deepEqual(results, [bed.backend.ip, "error: ENOTFOUND"]);
  });
});

describe("processes the layer leaves alone", () => {
  test("skip_processes: a listed program sees only local files; its parent and siblings still see the pod's", {
    timeout: 60_000,
  }, async () => {
    const file = podFiles.visible;
    const script = `read line < ${file}; echo "sh: $line"; cat ${file} || echo "cat: failed"; head -n 1 ${file}`;
    const run = await execWith({ skip_processes: "cat" }, ["sh", "-c", script]);
    assert.deepEqual(textOf(run), [`sh: ${contentOf(file)}`, "cat: failed", contentOf(file)]);
  });

  test("skip_processes and skip_build_tools match the name a program was started under, not its symlink target", {
    timeout: 60_000,
  }, async () => {
    // On Debian gcc is a symlink to x86_64-linux-gnu-gcc-12 and python3 to python3.11. gcc @FILE reads options
    // from FILE; when FILE cannot be read it takes "@FILE" as an input file name and fails.
    const gcc = await execWith({}, ["gcc", `@${podFiles.gccOptions}`]);
    assert.notEqual(gcc.process.exitCode, 0, `gcc read the pod's option file: ${JSON.stringify(gcc.lines)}`);
    const file = podFiles.visible;
    const python = await execWith({ skip_processes: "python3" }, ["python3", "-c", `open("${file}")`]);
    assert.notEqual(python.process.exitCode, 0, "python3 read the pod's file");
    assert.match(python.stderr, /FileNotFoundError/);
  });

  test("skip_build_tools: make does not see the pod's Makefile by default, and does with false", {
    timeout: 60_000,
  }, async () => {
    const argv = ["make", "-s", "-f", podFiles.makefile];
    const skipped = await execWith({}, argv);
    assert.notEqual(skipped.process.exitCode, 0);
    assert.match(skipped.stderr, /Makefile: No such file or directory/);
    const layered = await execWith({ skip_build_tools: false }, argv);
    assert.equal(layered.process.exitCode, 0, layered.stderr);
    assert.deepEqual(textOf(layered), ["made from the Makefile in the pod"]);
  });
});
