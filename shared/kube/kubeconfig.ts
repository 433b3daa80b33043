// Which kubeconfig files and which context a command uses, decided as kubectl decides: --kubeconfig > the
// `kubeconfig` key > KUBECONFIG (a colon-separated list; missing files are skipped; the first file to define a
// name, and the first to set current-context, wins) > ~/.kube/config. The context: --context > `kube_context` >
// the files' current-context.
import { existsSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { delimiter, dirname, join, resolve } from "node:path";
import { type Cluster, type Context, KubeConfig, type User } from "@kubernetes/client-node";
import { doppelError } from "../errors.ts";
import { closeMatches } from "../similar-words.ts";

export interface KubeconfigSource {
  /** The files read, in merge order (only files that exist). */
  paths: string[];
  /** Where the list came from, for messages: `--kubeconfig`, `the kubeconfig key`, `KUBECONFIG`, `~/.kube/config`. */
  origin: string;
}

export interface KubeconfigRequest {
  /** --kubeconfig, else the `kubeconfig` configuration key (relative paths are taken from `cwd`). */
  flag: string | null;
  configKey: string | null;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

/** The kubeconfig files to read; throws KUBECONFIG_NOT_FOUND when none of them exists. */
export function kubeconfigSource({ flag, configKey, env, cwd }: KubeconfigRequest): KubeconfigSource {
  const explicit = flag !== null ? { path: flag, origin: "--kubeconfig" } : null;
  const fromKey = configKey !== null ? { path: configKey, origin: "the kubeconfig key" } : null;
  const single = explicit ?? fromKey;
  if (single !== null) {
    const path = resolve(cwd, single.path);
    if (!existsSync(path)) throw doppelError.kubeconfigNotFound([path], single.origin);
    return { paths: [path], origin: single.origin };
  }
  const list = (env.KUBECONFIG ?? "").split(delimiter).filter((entry) => entry !== "");
  if (list.length > 0) {
    const candidates = list.map((entry) => resolve(cwd, entry));
    const paths = candidates.filter((path) => existsSync(path));
    if (paths.length === 0) throw doppelError.kubeconfigNotFound(candidates, "KUBECONFIG");
    return { paths: [...new Set(paths)], origin: "KUBECONFIG" };
  }
  const home = join(env.HOME ?? homedir(), ".kube", "config");
  if (!existsSync(home)) throw doppelError.kubeconfigNotFound([home], "the default location ~/.kube/config");
  return { paths: [home], origin: "~/.kube/config" };
}

function readOne(path: string): KubeConfig {
  const config = new KubeConfig();
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw doppelError.kubeconfigInvalid(path, (error as Error).message);
  }
  if (text.trim() === "") throw doppelError.kubeconfigInvalid(path, "the file is empty");
  try {
    config.loadFromString(text);
  } catch (error) {
    throw doppelError.kubeconfigInvalid(path, (error as Error).message.split("\n")[0] ?? "unreadable YAML");
  }
  // Relative certificate and key paths are relative to the file that names them, as kubectl reads them.
  config.makePathsAbsolute(dirname(path));
  return config;
}

function firstByName<T extends { name: string }>(lists: readonly (readonly T[])[]): T[] {
  const byName = new Map<string, T>();
  for (const list of lists) for (const item of list) if (!byName.has(item.name)) byName.set(item.name, item);
  return [...byName.values()];
}

/** Reads and merges the files of a source; the result's current context is the files' (not yet chosen). */
export function readKubeconfig(source: KubeconfigSource): KubeConfig {
  const files = source.paths.map(readOne);
  const merged = new KubeConfig();
  merged.loadFromOptions({
    clusters: firstByName<Cluster>(files.map((f) => f.clusters)),
    users: firstByName<User>(files.map((f) => f.users)),
    contexts: firstByName<Context>(files.map((f) => f.contexts)),
    currentContext: files.map((f) => f.currentContext).find((name) => name !== undefined && name !== "") ?? "",
  });
  return merged;
}

function describe(source: KubeconfigSource): string {
  return source.paths.length === 1 ? (source.paths[0] as string) : `${source.origin} (${source.paths.join(", ")})`;
}

export interface ChosenContext {
  context: Context;
  cluster: Cluster;
  user: User;
}

/** Makes `requested` (or the files' current-context) the context of `config`; throws when it is unusable. */
export function chooseContext(config: KubeConfig, requested: string | null, source: KubeconfigSource): ChosenContext {
  const where = describe(source);
  const names = config.getContexts().map((c) => c.name);
  const name = requested ?? config.getCurrentContext();
  if (name === undefined || name === "") {
    throw doppelError.kubeconfigInvalid(
      where,
      `it sets no current-context; pass --context with one of ${names.join(", ") || "(none defined)"}`,
    );
  }
  const context = config.getContextObject(name);
  if (context === null) {
    throw doppelError.kubeContextNotFound(name, where, names, closeMatches(name, names, 1)[0] ?? null);
  }
  config.setCurrentContext(name);
  const cluster = config.getCluster(context.cluster);
  if (cluster === null) {
    throw doppelError.kubeconfigInvalid(
      where,
      `context "${name}" names cluster "${context.cluster}", which is not defined`,
    );
  }
  const user = config.getUser(context.user);
  if (user === null) {
    throw doppelError.kubeconfigInvalid(where, `context "${name}" names user "${context.user}", which is not defined`);
  }
  return { context, cluster, user };
}
