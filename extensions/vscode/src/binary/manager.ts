// Which doppel installation (CLI + native layer + agent) the extension runs. `doppel.binaryPath` names a CLI
// outright; otherwise the one bundled in the VSIX, unless `doppel.autoUpdate` finds a newer compatible release
// (true) or names one (a pinned "x.y.z") in the manifest at `doppel.releaseUrl`. A release is downloaded into
// the extension's storage, every file checked against its sha256, and moved into place with one rename, so a
// half-finished download is never used. Any failure falls back to the bundled installation, with a notice.
// Free of the vscode module.
import { createHash, randomBytes } from "node:crypto";
import { access, mkdir, rename, rm, writeFile } from "node:fs/promises";
import { dirname, join, normalize, sep } from "node:path";
import semver from "semver";

/** The CLI's entry inside an installation; the layer and agent sit where it looks for them. */
export const CLI_ENTRY = "shared/dist/cli.js";

export interface Installation {
  source: "path" | "bundled" | "downloaded";
  version: string;
  /** The CLI entry to run with node. */
  cli: string;
}

export interface ReleaseFile {
  /** Where the file goes inside the installation, e.g. "native-layer/build/libdoppel_layer.so". */
  path: string;
  url: string;
  sha256: string;
}

export interface Release {
  version: string;
  /** The IDE protocol version its CLI speaks (docs/ide-protocol.md). */
  protocol: number;
  files: ReleaseFile[];
}

export interface ReleaseManifest {
  releases: Release[];
}

export interface BinaryOptions {
  /** Root of the installation shipped in the VSIX, and its version (the extension's). */
  bundledRoot: string;
  bundledVersion: string;
  /** The extension's global storage directory. */
  storageDir: string;
  autoUpdate: boolean | string;
  releaseUrl: string;
  binaryPath: string;
  /** The IDE protocol this extension speaks. */
  protocol: number;
  log: (text: string) => void;
  /** Network timeout of each request. */
  timeoutMs?: number;
}

export interface Resolution {
  installation: Installation;
  /** Why the choice differs from what the settings asked for; shown to the user once. */
  notice: string | null;
}

export class ReleaseError extends Error {
  override name = "ReleaseError";
}

function bundled(options: BinaryOptions): Installation {
  return { source: "bundled", version: options.bundledVersion, cli: join(options.bundledRoot, CLI_ENTRY) };
}

function versionsDir(options: BinaryOptions): string {
  return join(options.storageDir, "versions");
}

async function fetchBytes(url: string, timeoutMs: number): Promise<Buffer> {
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  } catch (error) {
    throw new ReleaseError(`cannot reach ${url}: ${(error as Error).cause ?? (error as Error).message}`);
  }
  if (!response.ok) throw new ReleaseError(`${url} answered HTTP ${response.status}`);
  try {
    return Buffer.from(await response.arrayBuffer());
  } catch (error) {
    throw new ReleaseError(`reading ${url} failed: ${(error as Error).message}`);
  }
}

function parseManifest(bytes: Buffer, url: string): ReleaseManifest {
  try {
    const manifest = JSON.parse(bytes.toString("utf8")) as ReleaseManifest;
    if (!Array.isArray(manifest.releases)) throw new Error("no `releases` array");
    return manifest;
  } catch (error) {
    throw new ReleaseError(`the release manifest at ${url} is not valid: ${(error as Error).message}`);
  }
}

/** The release the settings ask for, or null when the bundled installation is already the right one. */
export function chooseRelease(manifest: ReleaseManifest, options: BinaryOptions): Release | null {
  const compatible = manifest.releases.filter((r) => semver.valid(r.version) && r.protocol === options.protocol);
  if (typeof options.autoUpdate === "string") {
    const pinned = manifest.releases.find((r) => r.version === options.autoUpdate);
    if (pinned === undefined) throw new ReleaseError(`version ${options.autoUpdate} is not in the release manifest`);
    if (pinned.protocol !== options.protocol) {
      throw new ReleaseError(
        `doppel ${pinned.version} speaks IDE protocol ${pinned.protocol}, this extension needs ${options.protocol}; pin a compatible version`,
      );
    }
    return pinned.version === options.bundledVersion ? null : pinned;
  }
  // Automatic updates only ever move forward from the bundled version.
  const newest = compatible.sort((a, b) => semver.rcompare(a.version, b.version))[0];
  return newest !== undefined && semver.gt(newest.version, options.bundledVersion) ? newest : null;
}

function safeTarget(root: string, path: string): string {
  const target = normalize(join(root, path));
  if (!target.startsWith(`${root}${sep}`)) throw new ReleaseError(`release file path ${path} leaves the installation`);
  return target;
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

/** Writes the verified files to a staging directory and moves it into place with one rename. */
async function store(
  release: Release,
  files: Map<string, Buffer>,
  staging: string,
  finalDir: string,
  options: BinaryOptions,
) {
  try {
    for (const [path, bytes] of files) {
      const target = safeTarget(staging, path);
      await mkdir(dirname(target), { recursive: true });
      await writeFile(target, bytes);
    }
    await writeFile(join(staging, ".complete"), `${release.version}\n`);
    await mkdir(versionsDir(options), { recursive: true });
    await rm(finalDir, { recursive: true, force: true });
    await rename(staging, finalDir);
  } catch (error) {
    if (error instanceof ReleaseError) throw error;
    throw new ReleaseError(
      `cannot store doppel ${release.version} in ${options.storageDir}: ${(error as Error).message}`,
    );
  }
}

/** Downloads a release into versions/<version>, verified; a finished version is reused. Never blocks on disk I/O. */
async function install(release: Release, options: BinaryOptions): Promise<Installation> {
  const finalDir = join(versionsDir(options), release.version);
  const installed = { source: "downloaded" as const, version: release.version, cli: join(finalDir, CLI_ENTRY) };
  if (await exists(join(finalDir, ".complete"))) return installed;
  if (!release.files.some((file) => file.path === CLI_ENTRY)) {
    throw new ReleaseError(`release ${release.version} has no ${CLI_ENTRY}`);
  }
  const files = new Map<string, Buffer>();
  for (const file of release.files) {
    const bytes = await fetchBytes(file.url, options.timeoutMs ?? 30_000);
    const digest = createHash("sha256").update(bytes).digest("hex");
    if (digest !== file.sha256.toLowerCase()) {
      throw new ReleaseError(`${file.url}: sha256 is ${digest}, the manifest says ${file.sha256}`);
    }
    files.set(file.path, bytes);
  }
  const staging = join(options.storageDir, `staging-${release.version}-${randomBytes(4).toString("hex")}`);
  try {
    await store(release, files, staging, finalDir, options);
  } finally {
    // A staging directory that cannot be removed is only litter; the failure that matters was reported above.
    await rm(staging, { recursive: true, force: true }).catch((error: Error) =>
      options.log(`doppel update: could not remove ${staging}: ${error.message}`),
    );
  }
  options.log(`doppel ${release.version} installed in ${finalDir}`);
  return installed;
}

export async function resolveInstallation(options: BinaryOptions): Promise<Resolution> {
  if (options.binaryPath !== "") {
    return { installation: { source: "path", version: "unknown", cli: options.binaryPath }, notice: null };
  }
  if (options.autoUpdate === false) return { installation: bundled(options), notice: null };
  try {
    const manifest = parseManifest(
      await fetchBytes(options.releaseUrl, options.timeoutMs ?? 10_000),
      options.releaseUrl,
    );
    const release = chooseRelease(manifest, options);
    if (release === null) return { installation: bundled(options), notice: null };
    return { installation: await install(release, options), notice: null };
  } catch (error) {
    if (!(error instanceof ReleaseError)) throw error;
    options.log(`doppel update: ${error.message}; using the bundled doppel ${options.bundledVersion}`);
    return {
      installation: bundled(options),
      notice: `doppel could not update (${error.message}); it uses the bundled version ${options.bundledVersion}.`,
    };
  }
}
