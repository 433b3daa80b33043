// Binary management against a real HTTP server on loopback serving a release manifest and its files.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, beforeEach, test } from "node:test";
import { type BinaryOptions, CLI_ENTRY, type ReleaseManifest, resolveInstallation } from "./manager.ts";

const files: Record<string, string> = {
  "/0.2.0/cli.js": "// doppel 0.2.0 cli\n",
  "/0.2.0/libdoppel_layer.so": "layer 0.2.0",
  "/0.1.5/cli.js": "// doppel 0.1.5 cli\n",
  "/0.3.0/cli.js": "// doppel 0.3.0 cli, protocol 2\n",
};
const sha = (text: string) => createHash("sha256").update(text).digest("hex");
let manifest: ReleaseManifest;
let server: Server;
let base: string;
let storageDir: string;
const requests: string[] = [];
const storageDirs: string[] = [];

function release(version: string, protocol: number, tamper = false) {
  const names = Object.keys(files).filter((path) => path.startsWith(`/${version}/`));
  return {
    version,
    protocol,
    files: names.map((name) => ({
      path: name.endsWith("cli.js") ? CLI_ENTRY : "native-layer/build/libdoppel_layer.so",
      url: `${base}${name}`,
      sha256: tamper ? sha("something else") : sha(files[name] as string),
    })),
  };
}

before(async () => {
  server = createServer((request, response) => {
    requests.push(request.url ?? "");
    if (request.url === "/manifest.json") response.end(JSON.stringify(manifest));
    else if (request.url && request.url in files) response.end(files[request.url]);
    else response.writeHead(404).end();
  });
  server.listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => server.close());
beforeEach(() => {
  storageDir = mkdtempSync(join(tmpdir(), "doppel-binary-test-"));
  storageDirs.push(storageDir);
  requests.length = 0;
  manifest = { releases: [release("0.1.5", 1), release("0.2.0", 1), release("0.3.0", 2)] };
});
after(() => {
  for (const dir of storageDirs) rmSync(dir, { recursive: true, force: true });
});

function options(overrides: Partial<BinaryOptions> = {}): BinaryOptions & { logged: string[] } {
  const logged: string[] = [];
  return {
    bundledRoot: "/opt/bundled",
    bundledVersion: "0.1.0",
    storageDir,
    autoUpdate: true,
    releaseUrl: `${base}/manifest.json`,
    binaryPath: "",
    protocol: 1,
    log: (text) => logged.push(text),
    timeoutMs: 2000,
    logged,
    ...overrides,
  };
}

test("auto-update takes the newest release of our protocol, verified, and reuses it afterwards", async () => {
  const { installation, notice } = await resolveInstallation(options());
  assert.equal(notice, null);
  assert.deepEqual(installation, {
    source: "downloaded",
    version: "0.2.0",
    cli: join(storageDir, "versions", "0.2.0", CLI_ENTRY),
  });
  assert.equal(readFileSync(installation.cli, "utf8"), files["/0.2.0/cli.js"]);
  assert.equal(
    readFileSync(join(storageDir, "versions/0.2.0/native-layer/build/libdoppel_layer.so"), "utf8"),
    "layer 0.2.0",
  );
  requests.length = 0;
  const again = await resolveInstallation(options());
  assert.equal(again.installation.cli, installation.cli);
  assert.deepEqual(requests, ["/manifest.json"], "a finished download is not fetched again");
});

test("a file whose sha256 does not match is not installed; the bundled doppel is used, with a notice", async () => {
  manifest = { releases: [release("0.2.0", 1, true)] };
  const { installation, notice } = await resolveInstallation(options());
  assert.equal(installation.source, "bundled");
  assert.equal(installation.cli, join("/opt/bundled", CLI_ENTRY));
  assert.match(notice ?? "", /sha256/);
  assert.deepEqual(readdirSync(storageDir), [], "no staging directory or partial version is left");
});

test("an unreachable release server falls back to the bundled doppel", async () => {
  const { installation, notice } = await resolveInstallation(
    options({ releaseUrl: "http://127.0.0.1:9/manifest.json" }),
  );
  assert.equal(installation.source, "bundled");
  assert.match(notice ?? "", /cannot reach/);
});

test("a pinned version is installed exactly, even an older one than the newest", async () => {
  const { installation } = await resolveInstallation(options({ autoUpdate: "0.1.5" }));
  assert.equal(installation.version, "0.1.5");
  assert.equal(readFileSync(installation.cli, "utf8"), files["/0.1.5/cli.js"]);
});

test("a pinned version of another protocol is refused with a message", async () => {
  const { installation, notice } = await resolveInstallation(options({ autoUpdate: "0.3.0" }));
  assert.equal(installation.source, "bundled");
  assert.match(notice ?? "", /protocol 2.*needs 1/);
});

test("auto-update never downgrades below the bundled version", async () => {
  const { installation, notice } = await resolveInstallation(options({ bundledVersion: "0.2.5" }));
  assert.deepEqual([installation.source, installation.version, notice], ["bundled", "0.2.5", null]);
  assert.equal(existsSync(join(storageDir, "versions")), false);
});

test("autoUpdate false and binaryPath never touch the network", async () => {
  const off = await resolveInstallation(options({ autoUpdate: false }));
  assert.equal(off.installation.source, "bundled");
  const path = await resolveInstallation(options({ binaryPath: "/usr/local/lib/doppel/cli.js" }));
  assert.deepEqual(path.installation, { source: "path", version: "unknown", cli: "/usr/local/lib/doppel/cli.js" });
  assert.deepEqual(requests, []);
});

test("a release file that would land outside the installation is refused", async () => {
  const evil = release("0.2.0", 1);
  evil.files.push({
    path: "../../escape.js",
    url: `${base}/0.2.0/cli.js`,
    sha256: sha(files["/0.2.0/cli.js"] as string),
  });
  manifest = { releases: [evil] };
  const { installation, notice } = await resolveInstallation(options());
  assert.equal(installation.source, "bundled");
  assert.match(notice ?? "", /leaves the installation/);
});

test("storage that cannot be written falls back to the bundled doppel, with a notice", async () => {
  // A regular file where the storage directory should be: every directory made below it fails.
  const blocked = join(storageDir, "not-a-directory");
  writeFileSync(blocked, "");
  const { installation, notice } = await resolveInstallation(options({ storageDir: blocked }));
  assert.equal(installation.source, "bundled");
  assert.match(notice ?? "", /cannot store doppel 0\.2\.0 in .*not-a-directory/);
});
