// doppel ide targets: what the IDE's target picker offers. Local processes in their own network namespace
// (pid/<N>) are listed here; Kubernetes workloads of the namespace join them once doppel talks to clusters.
import { listLocalProcessTargets } from "../../target/local-processes.ts";
import type { CommandInput } from "../commands.ts";
import { runIdeCommand, writeEvent } from "../ide-protocol.ts";
import type { Io } from "../io.ts";
import { type IdeConfigOptions, loadIdeConfig } from "./ide-config.ts";

export function run({ options }: CommandInput, io: Io): Promise<number> {
  return runIdeCommand(io, () => {
    const flags = options as IdeConfigOptions & { namespace?: string };
    const { config } = loadIdeConfig(flags, io);
    const namespace = flags.namespace ?? config.target.namespace;
    const targets = listLocalProcessTargets().map(({ pid, name, commandLine }) => ({
      path: `pid/${pid}`,
      kind: "pid",
      name,
      detail: commandLine,
      namespace: null,
    }));
    writeEvent(io, { type: "targets", namespace, namespaces: [], targets });
    return 0;
  });
}
