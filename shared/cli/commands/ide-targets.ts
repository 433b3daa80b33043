// doppel ide targets: what the IDE's target picker offers. Local processes in their own network namespace
// (pid/<N>), then the Kubernetes targets of the namespace (--namespace, else target.namespace, else the kube
// context's) with the namespaces to switch to. Without a reachable cluster the local targets are still listed:
// the reason is a `log` warning and `namespaces` is empty.

import { DoppelError } from "../../errors.ts";
import { createKubeClient, kubeClientOptions } from "../../kube/client.ts";
import { type ListedTarget, listTargets } from "../../kube/list-targets.ts";
import { parseTarget } from "../../target/index.ts";
import { listLocalProcessTargets } from "../../target/local-processes.ts";
import type { CommandInput } from "../commands.ts";
import { runIdeCommand, type TargetLine, writeEvent } from "../ide-protocol.ts";
import type { Io } from "../io.ts";
import { type IdeConfigOptions, loadIdeConfig } from "./ide-config.ts";

function kubeLine(target: ListedTarget): TargetLine {
  const parsed = parseTarget(target.path);
  const name =
    parsed.kind === "pid" || parsed.kind === "targetless"
      ? target.path
      : `${parsed.name}${parsed.container === null ? "" : ` (${parsed.container})`}`;
  const detail = !target.available
    ? "no ready pod"
    : target.containers.length === 1
      ? `container ${target.containers[0]}`
      : `containers ${target.containers.join(", ")}`;
  return {
    path: target.path,
    kind: target.kind,
    name,
    detail,
    namespace: target.namespace,
    available: target.available,
  };
}

export function run({ options }: CommandInput, io: Io): Promise<number> {
  return runIdeCommand(io, async () => {
    const flags = options as IdeConfigOptions & { namespace?: string };
    const { config, launchEnv } = loadIdeConfig(flags, io);
    const local: TargetLine[] = listLocalProcessTargets().map(({ pid, name, commandLine }) => ({
      path: `pid/${pid}`,
      kind: "pid",
      name,
      detail: commandLine,
      namespace: null,
      available: true,
    }));
    try {
      const kube = createKubeClient(kubeClientOptions(config, flags, { env: launchEnv, cwd: io.cwd }));
      const listing = await listTargets(kube, { namespace: kube.namespace });
      for (const warning of listing.warnings) writeEvent(io, { type: "log", level: "warning", message: warning });
      writeEvent(io, {
        type: "targets",
        namespace: kube.namespace,
        namespaces: listing.namespaces,
        targets: [...local, ...listing.targets.map(kubeLine)],
      });
    } catch (error) {
      if (!(error instanceof DoppelError)) throw error;
      const message = `no Kubernetes targets: ${error.message}${error.hint === null ? "" : ` (${error.hint})`}`;
      writeEvent(io, { type: "log", level: "warning", message });
      const namespace = flags.namespace ?? config.target.namespace ?? null;
      writeEvent(io, { type: "targets", namespace, namespaces: [], targets: local });
    }
    return 0;
  });
}
