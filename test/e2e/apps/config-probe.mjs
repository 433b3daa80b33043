// The app the config-key end-to-end tests run under the layer: each argument is one operation, and the results
// come out as one JSON line {"results": [...]}, in order — the value, or "error: CODE".
//   read:PATH           the file's content
//   write:PATH=TEXT     writes TEXT (creating the file); "written"
//   get:URL             one HTTP GET on a fresh connection; the body
//   lookup:NAME         dns.lookup (getaddrinfo); the first IPv4 address
//   udp:HOST:PORT       sends "ping" (HOST looked up first if it is a name); the answer, or "error: ETIMEDOUT"
import { createSocket } from "node:dgram";
import { lookup } from "node:dns/promises";
import { readFile, writeFile } from "node:fs/promises";
import { get } from "node:http";

function httpGet(url) {
  return new Promise((resolve, reject) => {
    const request = get(url, { agent: false, timeout: 10_000 }, (response) => {
      let body = "";
      response.setEncoding("utf8");
      response.on("data", (chunk) => {
        body += chunk;
      });
      response.on("end", () => resolve(body));
      response.on("error", reject);
    });
    request.on("timeout", () => request.destroy(Object.assign(new Error("timeout"), { code: "ETIMEDOUT" })));
    request.on("error", reject);
  });
}

function udpPing(target) {
  const split = target.lastIndexOf(":");
  const socket = createSocket("udp4");
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(Object.assign(new Error("no answer"), { code: "ETIMEDOUT" })), 5_000);
    socket.once("message", (message) => {
      clearTimeout(timer);
      resolve(message.toString());
    });
    socket.once("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    socket.send("ping", Number(target.slice(split + 1)), target.slice(0, split));
  }).finally(() => socket.close());
}

const operations = {
  read: (path) => readFile(path, "utf8"),
  write: async (spec) => {
    const split = spec.indexOf("=");
    await writeFile(spec.slice(0, split), spec.slice(split + 1));
    return "written";
  },
  get: httpGet,
  lookup: async (name) => (await lookup(name, { family: 4 })).address,
  udp: udpPing,
};

const results = [];
for (const argument of process.argv.slice(2)) {
  const split = argument.indexOf(":");
  const operation = operations[argument.slice(0, split)];
  if (!operation) throw new Error(`unknown operation in "${argument}" (read:, write:, get:, lookup:, udp:)`);
  try {
    results.push(await operation(argument.slice(split + 1)));
  } catch (error) {
    results.push(`error: ${error.code ?? error.message}`);
  }
}
process.stdout.write(`${JSON.stringify({ results })}\n`);
