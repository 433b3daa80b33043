// Starts the bundled agent (agent/dist/agent.js, built first) for a target pid, as the CLI would, and returns
// its address once it printed the listening line.
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

const agentDir = fileURLToPath(new URL("../..", import.meta.url));
export const agentBundle = join(agentDir, "dist", "agent.js");

let built = false;

/** Builds agent/dist once per test process. */
export function buildAgent(): void {
  if (built) return;
  const result = spawnSync(process.execPath, ["build.js"], { cwd: agentDir, encoding: "utf8" });
  if (result.status !== 0) throw new Error(`building the agent failed:\n${result.stderr}`);
  built = true;
}

export interface RunningAgent {
  child: ChildProcess;
  address: string;
  token: string;
  session: string;
  stderr(): string;
  exited: Promise<number | null>;
}

export interface RunAgentOptions {
  communicationTimeoutS?: number;
  session?: string;
  /** Start the agent as the leader of its own process group (to kill the whole group in a test). */
  ownProcessGroup?: boolean;
}

export async function runAgent(pid: number, options: RunAgentOptions = {}): Promise<RunningAgent> {
  buildAgent();
  const token = randomBytes(16).toString("hex");
  const tokenFile = join(mkdtempSync(join(tmpdir(), "dpl-agent-")), "token");
  writeFileSync(tokenFile, token, { mode: 0o600 });
  const session = options.session ?? `t${randomBytes(4).toString("hex")}`;
  const args = [
    agentBundle,
    "--pid",
    String(pid),
    "--listen",
    "127.0.0.1:0",
    "--token-file",
    tokenFile,
    "--session",
    session,
  ];
  args.push("--communication-timeout", String(options.communicationTimeoutS ?? 30));
  const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"], detached: options.ownProcessGroup });
  let stderr = "";
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
    stderr += chunk;
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  const address = await new Promise<string>((resolve, reject) => {
    lines.once("line", (line) => resolve((JSON.parse(line) as { listening: string }).listening));
    child.once("exit", (code) => reject(new Error(`agent exited (${code}) before listening:\n${stderr}`)));
  });
  return { child, address, token, session, stderr: () => stderr, exited };
}
