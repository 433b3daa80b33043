// The Node probe app run under the layer by the end-to-end tests. Every result is one JSON line on stdout.
//   node probe.mjs serve PORT LABEL           HTTP server; answers "LABEL /path", reports {"served": "/path"}
//   node probe.mjs probe URL HOST FILE VAR    outgoing fetch + raw connect + UDP echo, dns.lookup, fs.readFile/stat, env,
//                                             and the same checks again from a child (child_process → sh -c → curl)
import { execFileSync } from "node:child_process";
import { createSocket } from "node:dgram";
import { lookup } from "node:dns/promises";
import { readFile, stat } from "node:fs/promises";
import { createServer } from "node:http";
import { connect } from "node:net";

const [mode, ...args] = process.argv.slice(2);
/** What every child checks again: the pod file, the pod variable, and an outgoing request by DNS name (curl). */
const childScript = `cat "$1"; printf ' %s ' "$(printenv "$2")"; curl -s "$3"`;

function report(result) {
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

function peerOf(url) {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: url.hostname, port: Number(url.port || 80) }, () => {
      resolve(`${socket.remoteAddress}:${socket.remotePort}`);
      socket.destroy();
    });
    socket.once("error", reject);
  });
}

function udpEcho(url) {
  return new Promise((resolve, reject) => {
    const socket = createSocket("udp4");
    const timer = setTimeout(() => {
      socket.close();
      reject(new Error("no UDP answer within 10 s"));
    }, 10_000);
    socket.once("message", (message) => {
      clearTimeout(timer);
      socket.close();
      resolve(message.toString());
    });
    const fail = (error) => {
      clearTimeout(timer);
      socket.close();
      reject(error);
    };
    socket.once("error", fail);
    socket.send("ping", Number(url.port || 80), url.hostname, (error) => error && fail(error));
  });
}

async function attempt(job) {
  try {
    return await job();
  } catch (error) {
    return `error: ${error.code ?? error.message}`;
  }
}

if (mode === "serve") {
  const [port, label] = args;
  createServer((request, response) => {
    report({ served: request.url });
    response.end(`${label} ${request.url}`);
  }).listen(Number(port), () => report({ listening: Number(port) }));
} else if (mode === "probe") {
  const [url, host, file, variable] = args;
  report({
    app: "node",
    fetch: await attempt(async () => (await fetch(url)).text()),
    peer: await attempt(() => peerOf(new URL(url))),
    udp: await attempt(() => udpEcho(new URL(url))),
    dns: await attempt(async () => (await lookup(host, { family: 4 })).address),
    file: await attempt(() => readFile(file, "utf8")),
    size: await attempt(async () => (await stat(file)).size),
    env: process.env[variable] ?? null,
    child: await attempt(async () =>
      execFileSync("sh", ["-c", childScript, "sh", file, variable, url], {
        encoding: "utf8",
      }),
    ),
  });
} else {
  process.stderr.write("usage: probe.mjs serve PORT LABEL | probe URL HOST FILE VAR\n");
  process.exit(2);
}
