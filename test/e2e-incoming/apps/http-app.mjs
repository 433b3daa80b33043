// One HTTP-family server for the incoming tests, run both as the pod's app and as the local app under doppel:
//   node http-app.mjs h1 PORT LABEL    HTTP/1.1 + WebSocket: answers "LABEL: METHOD /path", POST /echo streams the
//                                      body back, a WebSocket echoes "LABEL echo <message>"
//   node http-app.mjs h2 PORT LABEL    HTTP/2 cleartext (prior knowledge): answers "LABEL: METHOD /path" with an
//                                      x-served-by trailer; /bulk/N sends N MiB
//   node http-app.mjs grpc PORT LABEL  gRPC: /doppel.Test/Greet (unary, NOT_FOUND for "nobody") and /doppel.Test/Count
//                                      (server streaming), both with an x-served-by trailer
// Prints JSON lines: {"listening": PORT} once ready, {"served": "/path", "ua": "..."} per request.
import http from "node:http";
import http2 from "node:http2";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const [mode, portText, label] = process.argv.slice(2);
const port = Number(portText);
const report = (line) => process.stdout.write(`${JSON.stringify(line)}\n`);

function serveHttp1() {
  const { WebSocketServer } = require("ws");
  const server = http.createServer((request, response) => {
    report({ served: request.url, ua: request.headers["user-agent"] ?? "" });
    if (request.url === "/echo") {
      response.writeHead(200, { "x-served-by": label });
      request.pipe(response);
      return;
    }
    request.resume();
    request.on("end", () => response.end(`${label}: ${request.method} ${request.url}\n`));
  });
  new WebSocketServer({ server }).on("connection", (socket, request) => {
    report({ served: request.url, ua: "websocket" });
    socket.on("message", (data) => socket.send(`${label} echo ${data}`));
  });
  server.listen(port, () => report({ listening: port }));
}

/** /bulk/N: N MiB of body, written as fast as flow control lets it go (for throughput benches; not reported). */
function sendBulk(stream, mebibytes) {
  const chunk = Buffer.alloc(1024 * 1024, 0x62);
  stream.respond({ ":status": 200, "x-served-by": label });
  let left = mebibytes;
  const pump = () => {
    while (left > 0) {
      left--;
      if (!stream.write(chunk)) {
        stream.once("drain", pump);
        return;
      }
    }
    stream.end();
  };
  pump();
}

function serveHttp2() {
  const server = http2.createServer();
  server.on("stream", (stream, headers) => {
    const bulk = /^\/bulk\/(\d+)$/.exec(headers[":path"] ?? "");
    if (bulk) {
      sendBulk(stream, Number(bulk[1]));
      return;
    }
    report({ served: headers[":path"], ua: headers["user-agent"] ?? "" });
    stream.resume();
    stream.on("end", () => {
      stream.respond({ ":status": 200, "x-served-by": label }, { waitForTrailers: true });
      stream.on("wantTrailers", () => stream.sendTrailers({ "x-served-by": label }));
      stream.end(`${label}: ${headers[":method"]} ${headers[":path"]}\n`);
    });
  });
  server.listen(port, () => report({ listening: port }));
}

export const grpcService = () => {
  const json = { serialize: (value) => Buffer.from(JSON.stringify(value)), deserialize: (data) => JSON.parse(data) };
  const method = (path, responseStream) => ({
    path,
    requestStream: false,
    responseStream,
    requestSerialize: json.serialize,
    requestDeserialize: json.deserialize,
    responseSerialize: json.serialize,
    responseDeserialize: json.deserialize,
  });
  return { greet: method("/doppel.Test/Greet", false), count: method("/doppel.Test/Count", true) };
};

function serveGrpc() {
  const grpc = require("@grpc/grpc-js");
  const served = () => {
    const trailer = new grpc.Metadata();
    trailer.set("x-served-by", label);
    return trailer;
  };
  const server = new grpc.Server();
  server.addService(grpcService(), {
    greet(call, callback) {
      report({ served: "/doppel.Test/Greet", ua: call.metadata.get("user-agent")[0] ?? "" });
      if (call.request.who === "nobody") {
        callback({ code: grpc.status.NOT_FOUND, details: `${label} knows nobody`, metadata: served() });
        return;
      }
      callback(null, { text: `${label} greets ${call.request.who}` }, served());
    },
    count(call) {
      report({ served: "/doppel.Test/Count", ua: "" });
      for (let i = 1; i <= call.request.n; i++) call.write({ i, from: label });
      call.end(served());
    },
  });
  server.bindAsync(`0.0.0.0:${port}`, grpc.ServerCredentials.createInsecure(), (error) => {
    if (error) throw error;
    report({ listening: port });
  });
}

const modes = { h1: serveHttp1, h2: serveHttp2, grpc: serveGrpc };
if (process.argv[1] === new URL(import.meta.url).pathname) {
  const serve = modes[mode];
  if (!serve) {
    process.stderr.write(`usage: node http-app.mjs h1|h2|grpc PORT LABEL\n`);
    process.exit(2);
  }
  serve();
}
