// Lists what is left of a bed on the machine, so a test can assert that destroying it (or the process dying)
// removed everything: namespaces, links, mounts, kernel rules, its cgroup, its state directory and processes.
import { existsSync } from "node:fs";
import { readdir, readFile, readlink } from "node:fs/promises";
import { join } from "node:path";
import { cgroup2Root } from "./cgroup.ts";
import { runCommand } from "./command.ts";
import { BedLayout } from "./layout.ts";

/** Everything of bed `bedName` (dpl<N>) still present, one line per object; [] when it is gone completely. */
export async function findLeftovers(bedName: string): Promise<string[]> {
  const layout = new BedLayout(Number(bedName.replace(/^dpl/, "")));
  const prefix = layout.prefix;
  const left: string[] = [];
  const netns = await runCommand(["ip", "netns", "list"]);
  for (const line of netns.stdout.split("\n")) {
    if (line.startsWith(prefix)) left.push(`netns ${line.split(" ")[0]}`);
  }
  const links = await runCommand(["ip", "-o", "link", "show"]);
  for (const line of links.stdout.split("\n")) {
    const name = line.split(": ")[1]?.split("@")[0];
    if (name?.startsWith(prefix)) left.push(`link ${name}`);
  }
  const mountinfo = await readFile("/proc/self/mountinfo", "utf8");
  for (const line of mountinfo.split("\n")) {
    if (line.includes(layout.stateDir) || line.includes(prefix)) left.push(`mount ${line}`);
  }
  const nft = await runCommand(["nft", "list", "ruleset"], { allowFailure: true });
  if (nft.stdout.includes(prefix)) left.push(`nft ruleset mentions ${prefix}`);
  const iptables = await runCommand(["iptables-save"], { allowFailure: true });
  if (iptables.stdout.includes(prefix)) left.push(`iptables rules mention ${prefix}`);
  const cgroup = join(await cgroup2Root(), layout.cgroup);
  if (existsSync(cgroup)) left.push(`cgroup ${cgroup}`);
  if (existsSync(layout.stateDir)) left.push(`directory ${layout.stateDir}`);
  for (const entry of await readdir("/proc")) {
    if (!/^\d+$/.test(entry) || !(await isRunning(Number(entry)))) continue;
    const root = await readlink(`/proc/${entry}/root`).catch(() => "");
    const cgroups = await readFile(`/proc/${entry}/cgroup`, "utf8").catch(() => "");
    if (root.startsWith(layout.stateDir) || cgroups.includes(`/${layout.cgroup}/`)) {
      const cmdline = await readFile(`/proc/${entry}/cmdline`, "utf8").catch(() => "");
      left.push(`process ${entry} (${cmdline.replaceAll("\0", " ").trim()})`);
    }
  }
  return left;
}

/**
 * False once the process has exited, zombies included: a killed pod process whose parent died with it stays a
 * zombie until init reaps it, holding nothing but its pid.
 */
export async function isRunning(pid: number): Promise<boolean> {
  const stat = await readFile(`/proc/${pid}/stat`, "utf8").catch(() => undefined);
  // Field 3 (after the parenthesised command name, which may itself contain spaces) is the state.
  return stat !== undefined && stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
}
