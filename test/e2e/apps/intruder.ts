// Run as another local user by access.test.ts: tries every door of a running session and prints what happened.
//   node --import tsx intruder.ts PROXY_SOCKET TOKEN_FILE AGENT_HOST:AGENT_PORT
import { readFileSync } from "node:fs";
import { connect } from "node:net";
import { encodeFrame, type Frame, FrameDecoder, PROTOCOL_VERSION } from "../../../shared/protocol/index.ts";

const [proxySocket = "", tokenFile = "", agent = ""] = process.argv.slice(2);

function errorCode(error: unknown): string {
  return (error as NodeJS.ErrnoException).code ?? String(error);
}

function proxyDoor(): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(proxySocket);
    socket.on("connect", () => {
      socket.destroy();
      resolve("connected");
    });
    socket.on("error", (error) => resolve(errorCode(error)));
  });
}

function tokenDoor(): string {
  try {
    readFileSync(tokenFile);
    return "read";
  } catch (error) {
    return errorCode(error);
  }
}

/** HELLO with a token this user made up: the agent must refuse before anything else. */
function agentDoor(): Promise<string> {
  const [host = "", port = ""] = agent.split(":");
  return new Promise((resolve) => {
    const socket = connect({ host, port: Number(port) });
    const decoder = new FrameDecoder();
    decoder.on("frame", (frame: Frame) => {
      socket.destroy();
      resolve(frame.type === "ERROR" ? `ERROR errnum ${frame.body.errnum}` : frame.type);
    });
    socket.pipe(decoder);
    socket.on("error", (error) => resolve(errorCode(error)));
    socket.on("connect", () => {
      const hello = {
        min_version: PROTOCOL_VERSION,
        max_version: PROTOCOL_VERSION,
        role: 2,
        token: "guessed-token",
        pid: process.pid,
        ppid: process.ppid,
        exe: new Uint8Array(),
      };
      socket.write(encodeFrame({ type: "HELLO", requestId: 1, body: hello }));
    });
  });
}

process.stdout.write(
  `${JSON.stringify({ uid: process.getuid?.(), proxy: await proxyDoor(), tokenFile: tokenDoor(), agent: await agentDoor() })}\n`,
);
