// The per-session private directory: holds the proxy's unix socket and the agent's token file.
// The directory is 0700 so no other local user can even reach the socket; the token in HELLO is the second lock.
import { randomBytes } from "node:crypto";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
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

export function createSessionDir(parent: string = tmpdir()): SessionDir {
  const path = mkdtempSync(join(parent, "doppel-session-"));
  chmodSync(path, 0o700);
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
