// Finds the processes of a session by the proxy socket in their environment (/proc/<pid>/environ). A process
// joins the proxy only when it first needs it, so after the app exits this is how doppel sees children it left
// running that have not talked to the proxy yet.
import { readdirSync, readFileSync } from "node:fs";

export function sessionProcesses(proxySocketPath: string): number[] {
  const marker = Buffer.from(`DOPPEL_PROXY_SOCKET=${proxySocketPath}\0`);
  const pids: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    let environ: Buffer;
    try {
      environ = readFileSync(`/proc/${entry}/environ`);
    } catch {
      continue; // gone meanwhile, or not ours to read
    }
    if (environ.includes(marker)) pids.push(Number(entry));
  }
  return pids;
}
