// The per-session private directory: holds the proxy's unix socket and the agent's token file.
// The directory is 0700 so no other local user can even reach the socket; the token in HELLO is the second lock.
// It names its owner (pid and start time); directories whose owner died without cleaning up (SIGKILL) are swept
// when the next session starts.
import { randomBytes } from "node:crypto";
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface SessionDir {
  readonly path: string;
  /** Where the session proxy listens; handed to the layer as DOPPEL_PROXY_SOCKET. */
  readonly proxySocketPath: string;
  /** A fresh random secret, sent by every client (layer, proxy) in HELLO. */
  readonly token: string;
  /** A 0600 file holding the token, read by a locally started agent. */
  readonly tokenFile: string;
  remove(): void;
}

export function newSessionToken(): string {
  return randomBytes(32).toString("hex");
}

/** A unix socket path must fit sun_path (108 bytes with its NUL); a long TMPDIR falls back to /tmp. */
const maxSocketPathBytes = 100;

function sessionParent(parent: string): string {
  const longest = join(parent, "doppel-session-XXXXXX", "proxy.sock");
  return Buffer.byteLength(longest) <= maxSocketPathBytes ? parent : "/tmp";
}

const dirPrefix = "doppel-session-";
const ownerFile = "owner";

/** A process identity that survives pid reuse: the pid and its start time in clock ticks since boot. */
function processIdentity(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Field 22 (starttime), counted after the parenthesised command name, which may itself contain spaces.
    const startTime = stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19];
    return `${pid} ${startTime}`;
  } catch {
    return undefined;
  }
}

/** Removes session directories under `parent` whose owning process is gone. */
export function sweepStaleSessionDirs(parent: string): void {
  let names: string[];
  try {
    names = readdirSync(parent).filter((name) => name.startsWith(dirPrefix));
  } catch {
    return;
  }
  for (const name of names) {
    const path = join(parent, name);
    let owner: string;
    try {
      owner = readFileSync(join(path, ownerFile), "utf8").trim();
    } catch {
      continue; // not ours to judge: no owner recorded, or not readable by us
    }
    if (processIdentity(Number(owner.split(" ")[0])) !== owner) rmSync(path, { recursive: true, force: true });
  }
}

export function createSessionDir(parent: string = tmpdir()): SessionDir {
  const base = sessionParent(parent);
  sweepStaleSessionDirs(base);
  const path = mkdtempSync(join(base, dirPrefix));
  chmodSync(path, 0o700);
  writeFileSync(join(path, ownerFile), `${processIdentity(process.pid)}\n`, { mode: 0o600 });
  const token = newSessionToken();
  const tokenFile = join(path, "token");
  writeFileSync(tokenFile, token, { mode: 0o600 });
  return {
    path,
    proxySocketPath: join(path, "proxy.sock"),
    token,
    tokenFile,
    remove: () => rmSync(path, { recursive: true, force: true }),
  };
}
