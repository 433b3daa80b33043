// doppel ls [-n NS] [-A] [--json] [--kubeconfig F] [--context C] [-f CONFIG]: the Kubernetes targets of a namespace
// (or of all of them), with the namespaces the user may switch to. Pods that are not ready are not listed; their
// workloads show as not available. Kinds the user may not list are skipped with a warning on stderr.
import { resolve } from "node:path";
import { loadConfig, whichConfig } from "../../config/index.ts";
import { doppelError } from "../../errors.ts";
import { createKubeClient, kubeClientOptions } from "../../kube/client.ts";
import { type ListedTarget, listTargets } from "../../kube/list-targets.ts";
import { closeMatches } from "../../similar-words.ts";
import type { CommandInput } from "../commands.ts";
import { type Io, styleFor, writeJson } from "../io.ts";

export interface KubeFlags {
  kubeconfig?: string;
  context?: string;
  namespace?: string;
}

interface LsOptions extends KubeFlags {
  allNamespaces?: boolean;
  json?: boolean;
  configFile?: string;
}

/** The `doppel ls --json` document. */
export interface LsOutput {
  targets: ListedTarget[];
  current_namespace: string;
  namespaces: string[];
}

function table(rows: readonly (readonly string[])[]): string {
  const widths = (rows[0] ?? []).map((_, column) => Math.max(...rows.map((row) => (row[column] ?? "").length)));
  return rows
    .map((row) => row.map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column] ?? 0))))
    .map((cells) => `${cells.join("  ")}\n`)
    .join("");
}

function render(output: LsOutput, allNamespaces: boolean): string {
  if (output.targets.length === 0) {
    return allNamespaces ? "no targets in any namespace\n" : `no targets in namespace ${output.current_namespace}\n`;
  }
  const header = [...(allNamespaces ? ["NAMESPACE"] : []), "TARGET", "AVAILABLE", "CONTAINERS"];
  const rows = output.targets.map((t) => [
    ...(allNamespaces ? [t.namespace] : []),
    t.path,
    t.available ? "yes" : "no",
    t.containers.join(",") || "-",
  ]);
  const title = allNamespaces ? "" : `namespace ${output.current_namespace}\n`;
  return `${title}${table([header, ...rows])}`;
}

export async function run({ options }: CommandInput, io: Io): Promise<number> {
  const flags = options as LsOptions;
  const path = flags.configFile
    ? resolve(io.cwd, flags.configFile)
    : whichConfig({ workspace: io.cwd, env: io.env }).path;
  // A configuration without a target is fine here: listing is how one is chosen.
  const { config, warnings } = loadConfig({ path, env: io.env, ide: true });
  const kube = createKubeClient(kubeClientOptions(config, flags, io));
  const allNamespaces = flags.allNamespaces === true;
  const listing = await listTargets(kube, allNamespaces ? { allNamespaces } : { namespace: kube.namespace });
  if (!allNamespaces && !listing.namespaces.includes(kube.namespace)) {
    throw doppelError.kubeNamespaceNotFound(kube.namespace, closeMatches(kube.namespace, listing.namespaces, 3));
  }
  const style = styleFor(io.stderr, io.env);
  for (const warning of [...warnings, ...listing.warnings])
    io.stderr.write(`${style.warning("warning:")} ${warning}\n`);
  const output: LsOutput = {
    targets: listing.targets,
    current_namespace: kube.namespace,
    namespaces: listing.namespaces,
  };
  if (flags.json) writeJson(io.stdout, output);
  else io.stdout.write(render(output, allNamespaces));
  return 0;
}
