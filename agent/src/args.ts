// Command line of the agent:
//   node agent.js (--pid N | --container-id ID | --targetless) --listen HOST:PORT (--token-file F | --token-env VAR)
//                 [--session ID] [--communication-timeout S]
// Locally the CLI starts it with --pid and a token file in the session directory. In a cluster the pod spec names
// the target container (--container-id) or none (--targetless), and the token comes from a Secret through an
// environment variable (--token-env), so it never appears in the pod spec.
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";

export type AgentTarget =
  | { kind: "pid"; pid: number }
  /** A container ID as the pod status reports it; a `<runtime>://` prefix is allowed. */
  | { kind: "container"; containerId: string }
  /** No target: the agent serves its own network namespace, root and environment. */
  | { kind: "targetless" };

export interface AgentArgs {
  target: AgentTarget;
  listenHost: string;
  listenPort: number;
  token: string;
  /** The environment variable the token came from, kept out of what the agent serves as environment. */
  tokenVariable: string | undefined;
  session: string;
  communicationTimeoutMs: number;
}

const USAGE =
  "usage: agent.js (--pid N | --container-id ID | --targetless) --listen HOST:PORT (--token-file FILE | --token-env VARIABLE) [--session ID] [--communication-timeout SECONDS]";
/** mirrord's agent.communication_timeout default. */
const DEFAULT_COMMUNICATION_TIMEOUT_S = 30;

function targetOf(values: { pid?: string; "container-id"?: string; targetless?: boolean }): AgentTarget {
  const given = [values.pid, values["container-id"], values.targetless].filter((value) => value !== undefined);
  if (given.length !== 1) throw new Error(`name exactly one target: --pid, --container-id or --targetless. ${USAGE}`);
  if (values.targetless) return { kind: "targetless" };
  const containerId = values["container-id"];
  if (containerId !== undefined) {
    const id = containerId.replace(/^[a-z0-9-]+:\/\//, "");
    if (!/^[0-9a-f]{12,64}$/.test(id))
      throw new Error(`--container-id must be a container ID (hex, optionally runtime://), got ${containerId}`);
    return { kind: "container", containerId: id };
  }
  const pid = Number(values.pid);
  if (!Number.isInteger(pid) || pid <= 0) throw new Error(`--pid must be a process id, got ${values.pid}. ${USAGE}`);
  return { kind: "pid", pid };
}

function tokenOf(tokenFile: string | undefined, tokenEnv: string | undefined, env: NodeJS.ProcessEnv): string {
  if ((tokenFile === undefined) === (tokenEnv === undefined))
    throw new Error(
      `give the session token with exactly one of --token-file or --token-env: the agent serves only clients that know it. ${USAGE}`,
    );
  if (tokenEnv !== undefined) {
    const token = env[tokenEnv]?.trim() ?? "";
    if (token.length === 0) throw new Error(`the environment variable ${tokenEnv} (--token-env) is unset or empty`);
    return token;
  }
  let token: string;
  try {
    token = readFileSync(tokenFile as string, "utf8").trim();
  } catch (error) {
    throw new Error(`cannot read the token file ${tokenFile}: ${(error as Error).message}`);
  }
  if (token.length === 0) throw new Error(`the token file ${tokenFile} is empty; write the session token into it`);
  return token;
}

export function parseAgentArgs(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): AgentArgs {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      pid: { type: "string" },
      "container-id": { type: "string" },
      targetless: { type: "boolean" },
      listen: { type: "string", default: "127.0.0.1:0" },
      "token-file": { type: "string" },
      "token-env": { type: "string" },
      session: { type: "string" },
      "communication-timeout": { type: "string" },
    },
    strict: true,
  });
  const target = targetOf(values);
  const listen = /^\[?([^\]]*)\]?:(\d+)$/.exec(values.listen ?? "");
  if (!listen) throw new Error(`--listen must be HOST:PORT, got ${values.listen}. ${USAGE}`);
  const token = tokenOf(values["token-file"], values["token-env"], env);
  const timeout = Number(values["communication-timeout"] ?? DEFAULT_COMMUNICATION_TIMEOUT_S);
  if (!(timeout > 0))
    throw new Error(
      `--communication-timeout must be a positive number of seconds, got ${values["communication-timeout"]}`,
    );
  return {
    target,
    listenHost: listen[1] as string,
    listenPort: Number(listen[2]),
    token,
    tokenVariable: values["token-env"],
    session: values.session ?? randomBytes(4).toString("hex"),
    communicationTimeoutMs: timeout * 1000,
  };
}
