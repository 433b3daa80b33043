// Command line of the agent:
//   node agent.js --pid N --listen HOST:PORT --token-file F [--session ID] [--communication-timeout S]
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";

export interface AgentArgs {
  pid: number;
  listenHost: string;
  listenPort: number;
  token: string;
  session: string;
  communicationTimeoutMs: number;
}

const USAGE =
  "usage: agent.js --pid N --listen HOST:PORT --token-file FILE [--session ID] [--communication-timeout SECONDS]";
/** mirrord's agent.communication_timeout default. */
const DEFAULT_COMMUNICATION_TIMEOUT_S = 30;

export function parseAgentArgs(argv: readonly string[]): AgentArgs {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      pid: { type: "string" },
      listen: { type: "string", default: "127.0.0.1:0" },
      "token-file": { type: "string" },
      session: { type: "string" },
      "communication-timeout": { type: "string" },
    },
    strict: true,
  });
  const pid = Number(values.pid);
  if (!Number.isInteger(pid) || pid <= 0) throw new Error(`--pid must be a process id, got ${values.pid}. ${USAGE}`);
  const listen = /^\[?([^\]]*)\]?:(\d+)$/.exec(values.listen ?? "");
  if (!listen) throw new Error(`--listen must be HOST:PORT, got ${values.listen}. ${USAGE}`);
  if (!values["token-file"])
    throw new Error(`--token-file is required: the agent serves only clients that know the session token. ${USAGE}`);
  let token: string;
  try {
    token = readFileSync(values["token-file"], "utf8").trim();
  } catch (error) {
    throw new Error(`cannot read the token file ${values["token-file"]}: ${(error as Error).message}`);
  }
  if (token.length === 0)
    throw new Error(`the token file ${values["token-file"]} is empty; write the session token into it`);
  const timeout = Number(values["communication-timeout"] ?? DEFAULT_COMMUNICATION_TIMEOUT_S);
  if (!(timeout > 0))
    throw new Error(
      `--communication-timeout must be a positive number of seconds, got ${values["communication-timeout"]}`,
    );
  return {
    pid,
    listenHost: listen[1] as string,
    listenPort: Number(listen[2]),
    token,
    session: values.session ?? randomBytes(4).toString("hex"),
    communicationTimeoutMs: timeout * 1000,
  };
}
