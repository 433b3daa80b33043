// The HTTP router over real sockets: a real "target app" and a real "local app" (node:http, node:http2, gRPC,
// WebSocket servers on loopback), the router behind a real listener standing in for the steal listener, and real
// clients. Each destination counts the connections it was given, so "over the same client connection" is checked
// by connection counts, not by timing.
import assert from "node:assert/strict";
import { once } from "node:events";
import http from "node:http";
import http2 from "node:http2";
import net from "node:net";
import { after, before, describe, test } from "node:test";
import * as grpc from "@grpc/grpc-js";
import { WebSocket, WebSocketServer } from "ws";
import { compileHttpFilter, encodeHttpFilter, type HttpRule } from "../../../../shared/protocol/http-filter.ts";
import type { StolenConnection } from "../port-steal.ts";
import type { Destination, HttpRoutes } from "./destination.ts";
import { HttpRouter } from "./http-router.ts";

/** A destination that connects to a real server and counts the connections it opened. */
class CountingDestination implements Destination {
  opened = 0;
  constructor(
    readonly id: string,
    private readonly port: () => number,
  ) {}
  async open(_client: StolenConnection): Promise<net.Socket> {
    this.opened++;
    const socket = net.connect({ host: "127.0.0.1", port: this.port(), noDelay: true });
    await once(socket, "connect");
    return socket;
  }
}

interface Apps {
  target: net.Server;
  local: net.Server;
  targetDestination: CountingDestination;
  localDestination: CountingDestination;
}

function portOf(server: net.Server): number {
  return (server.address() as net.AddressInfo).port;
}

async function listen<S extends net.Server>(server: S): Promise<S> {
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return server;
}

/** Starts a router for `rule` in front of two apps and returns its port. */
async function routerFor(
  rule: HttpRule | null,
  passProbes: boolean,
  apps: Apps,
): Promise<{ port: number; close(): void }> {
  const filter = compileHttpFilter(encodeHttpFilter({ rule, pass_probes: passProbes }));
  const routes: HttpRoutes = {
    forRequest: (head) => (filter.matches(head) ? apps.localDestination : apps.targetDestination),
    forOtherProtocol: () => apps.targetDestination,
  };
  const router = new HttpRouter(routes);
  const listener = await listen(
    net.createServer((socket) => {
      const address = { address: "127.0.0.1", port: socket.remotePort ?? 0, family: 4 as const };
      void router.handle({ socket, port: 80, remote: address, local: address });
    }),
  );
  return {
    port: portOf(listener),
    close: () => {
      router.close();
      listener.close();
    },
  };
}

function appsOf(target: net.Server, local: net.Server): Apps {
  return {
    target,
    local,
    targetDestination: new CountingDestination("target", () => portOf(target)),
    localDestination: new CountingDestination("local", () => portOf(local)),
  };
}

/** An HTTP/1.1 app that names itself, echoes request bodies and adds a trailer to chunked answers. */
function http1App(name: string): http.Server {
  return http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const body = Buffer.concat(chunks);
      if (request.url?.startsWith("/trailers")) {
        response.writeHead(200, { "x-app": name, trailer: "x-checksum" });
        response.write(`${name} part 1\n`);
        response.write(`${name} part 2 (${body.length} bytes in)\n`);
        response.addTrailers({ "x-checksum": `${name}-sum` });
        response.end();
        return;
      }
      response.writeHead(200, { "x-app": name, "x-connection-port": String(request.socket.remotePort) });
      response.end(`${name}: ${request.method} ${request.url} ${body.length}\n`);
    });
  });
}

const alice: HttpRule = { header: "^x-user: alice$" };

describe("HTTP/1.1", () => {
  let apps: Apps;
  let router: { port: number; close(): void };
  before(async () => {
    apps = appsOf(await listen(http1App("target")), await listen(http1App("local")));
    router = await routerFor(alice, false, apps);
  });
  after(() => {
    router.close();
    apps.target.close();
    apps.local.close();
  });

  function request(
    agent: http.Agent,
    path: string,
    headers: Record<string, string>,
    body?: string,
  ): Promise<{
    status: number;
    text: string;
    headers: http.IncomingHttpHeaders;
    trailers: NodeJS.Dict<string>;
    socketPort: number;
  }> {
    return new Promise((resolve, reject) => {
      const req = http.request({
        port: router.port,
        host: "127.0.0.1",
        path,
        headers,
        agent,
        method: body ? "POST" : "GET",
      });
      req.on("response", (res) => {
        let text = "";
        res.setEncoding("utf8").on("data", (chunk: string) => {
          text += chunk;
        });
        res.on("end", () =>
          resolve({
            status: res.statusCode ?? 0,
            text,
            headers: res.headers,
            trailers: res.trailers,
            socketPort: req.socket?.localPort ?? 0,
          }),
        );
      });
      req.on("error", reject);
      if (body) req.write(body);
      req.end();
    });
  }

  test("a matching request is answered by the local app and the next one by the target, on one keep-alive connection", async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const mine = await request(agent, "/a", { "x-user": "alice" });
    const theirs = await request(agent, "/b", { "x-user": "bob" });
    const mineAgain = await request(agent, "/c", { "X-User": "Alice" });
    agent.destroy();
    assert.equal(mine.text, "local: GET /a 0\n");
    assert.equal(theirs.text, "target: GET /b 0\n");
    assert.equal(mineAgain.text, "local: GET /c 0\n");
    assert.equal(mine.socketPort, theirs.socketPort, "the client used one connection");
    assert.equal(
      mine.headers["x-connection-port"],
      mineAgain.headers["x-connection-port"],
      "the local app saw one connection",
    );
  });

  test("chunked bodies and trailers pass both ways", async () => {
    const agent = new http.Agent({ keepAlive: true });
    for (const user of ["alice", "bob"]) {
      const answer = await request(
        agent,
        "/trailers",
        { "x-user": user, "transfer-encoding": "chunked" },
        "x".repeat(1000),
      );
      const name = user === "alice" ? "local" : "target";
      assert.equal(answer.text, `${name} part 1\n${name} part 2 (1000 bytes in)\n`);
      assert.deepEqual(answer.trailers, { "x-checksum": `${name}-sum` });
    }
    agent.destroy();
  });

  test("pipelined requests are answered in order, each by its own destination", async () => {
    const socket = net.connect(router.port, "127.0.0.1");
    await once(socket, "connect");
    const requests = ["alice", "bob", "alice"].map(
      (user, i) => `GET /p${i} HTTP/1.1\r\nhost: pod\r\nx-user: ${user}\r\n\r\n`,
    );
    socket.write(requests.join(""));
    const received = await new Promise<string>((resolve) => {
      let text = "";
      socket.setEncoding("utf8").on("data", (chunk: string) => {
        text += chunk;
        if (/GET \/p2 0\n\r\n0\r\n\r\n$/.test(text)) resolve(text);
      });
    });
    socket.destroy();
    const bodies = [...received.matchAll(/^(local|target): GET (\/p\d) 0$/gm)].map((m) => `${m[1]} ${m[2]}`);
    assert.deepEqual(bodies, ["local /p0", "target /p1", "local /p2"]);
    const localPorts = new Set([...received.matchAll(/x-app: local\r\nx-connection-port: (\d+)/g)].map((m) => m[1]));
    assert.equal(localPorts.size, 1, "both local requests went over one upstream connection");
  });

  test("a 50 MB body streams to the local app and back", async () => {
    const echo = await listen(http.createServer((req, res) => req.pipe(res)));
    const echoApps = { ...apps, localDestination: new CountingDestination("echo", () => portOf(echo)) };
    const echoRouter = await routerFor(alice, false, echoApps);
    const size = 50 * 1024 * 1024;
    const chunk = Buffer.alloc(1024 * 1024, 7);
    const received = await new Promise<number>((resolve, reject) => {
      const req = http.request({
        port: echoRouter.port,
        host: "127.0.0.1",
        method: "POST",
        headers: { "x-user": "alice" },
      });
      req.on("response", (res) => {
        let total = 0;
        res.on("data", (data: Buffer) => {
          total += data.length;
        });
        res.on("end", () => resolve(total));
      });
      req.on("error", reject);
      let sent = 0;
      const pump = () => {
        while (sent < size) {
          sent += chunk.length;
          if (!req.write(chunk)) {
            req.once("drain", pump);
            return;
          }
        }
        req.end();
      };
      pump();
    });
    echoRouter.close();
    echo.close();
    assert.equal(received, size);
  });

  test("kube-probe requests stay with the target when probes pass", async () => {
    const probeRouter = await routerFor(null, true, apps);
    const agent = new http.Agent({ keepAlive: true });
    const probe = await new Promise<string>((resolve, reject) => {
      http
        .get(
          {
            port: probeRouter.port,
            host: "127.0.0.1",
            path: "/healthz",
            agent,
            headers: { "user-agent": "kube-probe/1.34" },
          },
          (res) => {
            let text = "";
            res.setEncoding("utf8").on("data", (c: string) => {
              text += c;
            });
            res.on("end", () => resolve(text));
          },
        )
        .on("error", reject);
    });
    const other = await new Promise<string>((resolve, reject) => {
      http
        .get({ port: probeRouter.port, host: "127.0.0.1", path: "/x", agent }, (res) => {
          let text = "";
          res.setEncoding("utf8").on("data", (c: string) => {
            text += c;
          });
          res.on("end", () => resolve(text));
        })
        .on("error", reject);
    });
    agent.destroy();
    probeRouter.close();
    assert.equal(probe, "target: GET /healthz 0\n");
    assert.equal(other, "local: GET /x 0\n");
  });

  test("a connection that is not HTTP goes whole to the other-protocol destination", async () => {
    const echo = await listen(net.createServer((s) => s.pipe(s)));
    const rawApps = { ...apps, targetDestination: new CountingDestination("raw", () => portOf(echo)) };
    const rawRouter = await routerFor(alice, false, rawApps);
    const socket = net.connect(rawRouter.port, "127.0.0.1");
    socket.write("\x16\x03\x01 not http at all");
    const echoed = await new Promise<string>((resolve) => {
      let text = "";
      socket.setEncoding("utf8").on("data", (c: string) => {
        text += c;
        if (text.endsWith("all")) resolve(text);
      });
    });
    socket.destroy();
    rawRouter.close();
    echo.close();
    assert.equal(echoed, "\x16\x03\x01 not http at all");
  });
});

describe("WebSocket", () => {
  test("a matching upgrade is handed to the local app as a raw stream after the 101", async () => {
    const wsApp = (name: string) => {
      const server = http.createServer();
      new WebSocketServer({ server }).on("connection", (ws) =>
        ws.on("message", (data) => ws.send(`${name} echo ${data}`)),
      );
      return listen(server);
    };
    const apps = appsOf(await wsApp("target"), await wsApp("local"));
    const router = await routerFor(alice, false, apps);
    const talk = async (user: string) => {
      const ws = new WebSocket(`ws://127.0.0.1:${router.port}/chat`, { headers: { "x-user": user } });
      await once(ws, "open");
      ws.send("hello");
      const [data] = (await once(ws, "message")) as [Buffer];
      ws.close();
      return data.toString();
    };
    assert.equal(await talk("alice"), "local echo hello");
    assert.equal(await talk("bob"), "target echo hello");
    router.close();
    apps.target.close();
    apps.local.close();
  });
});

describe("Upgrade: h2c", () => {
  test("the upgrade request chooses the destination, which then has the connection byte for byte", async () => {
    // A server that accepts the upgrade and then echoes what the client says in the new protocol.
    const upgrading = (name: string) =>
      listen(
        net.createServer((socket) => {
          let head = "";
          const onData = (chunk: Buffer) => {
            head += chunk.toString("latin1");
            if (!head.includes("\r\n\r\n")) return;
            socket.off("data", onData);
            socket.write("HTTP/1.1 101 Switching Protocols\r\nconnection: Upgrade\r\nupgrade: h2c\r\n\r\n");
            socket.on("data", (more: Buffer) => socket.write(`${name} got ${more}`));
          };
          socket.on("data", onData);
        }),
      );
    const apps = appsOf(await upgrading("target"), await upgrading("local"));
    const router = await routerFor(alice, false, apps);
    const upgrade = async (user: string) => {
      const socket = net.connect(router.port, "127.0.0.1");
      await once(socket, "connect");
      socket.write(
        `GET / HTTP/1.1\r\nhost: pod\r\nconnection: Upgrade, HTTP2-Settings\r\nupgrade: h2c\r\nhttp2-settings: AAMAAABkAAQAAP__\r\nx-user: ${user}\r\n\r\n`,
      );
      let text = "";
      socket.setEncoding("latin1").on("data", (chunk: string) => {
        text += chunk;
        if (text.endsWith("\r\n\r\n")) socket.write("frames");
      });
      await new Promise<void>((resolve) => socket.on("data", () => text.endsWith("got frames") && resolve()));
      socket.destroy();
      return text.slice(text.indexOf("\r\n\r\n") + 4);
    };
    assert.equal(await upgrade("alice"), "local got frames");
    assert.equal(await upgrade("bob"), "target got frames");
    router.close();
    apps.target.close();
    apps.local.close();
  });
});

describe("HTTP/2 cleartext with prior knowledge", () => {
  let apps: Apps;
  let router: { port: number; close(): void };
  const h2App = (name: string) => {
    const server = http2.createServer();
    server.on("stream", (stream, headers) => {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        stream.respond({ ":status": 200, "x-app": name }, { waitForTrailers: true });
        stream.on("wantTrailers", () => stream.sendTrailers({ "x-done": name }));
        stream.end(`${name}: ${headers[":path"]} ${Buffer.concat(chunks).length}`);
      });
    });
    return listen(server);
  };
  before(async () => {
    apps = appsOf(await h2App("target"), await h2App("local"));
    router = await routerFor(alice, false, apps);
  });
  after(() => {
    router.close();
    apps.target.close();
    apps.local.close();
  });

  test("streams of one session go to their own destinations, trailers intact", async () => {
    const session = http2.connect(`http://127.0.0.1:${router.port}`);
    const call = (path: string, user: string) =>
      new Promise<{ text: string; trailers: http2.IncomingHttpHeaders }>((resolve, reject) => {
        const stream = session.request({ ":path": path, ":method": "POST", "x-user": user });
        let text = "";
        let trailers: http2.IncomingHttpHeaders = {};
        stream.on("trailers", (t) => {
          trailers = t;
        });
        stream.setEncoding("utf8").on("data", (c: string) => {
          text += c;
        });
        stream.on("end", () => resolve({ text, trailers }));
        stream.on("error", reject);
        stream.end("body");
      });
    const opened = apps.localDestination.opened;
    const results = await Promise.all([call("/1", "alice"), call("/2", "bob"), call("/3", "alice")]);
    session.close();
    assert.deepEqual(
      results.map((r) => r.text),
      ["local: /1 4", "target: /2 4", "local: /3 4"],
    );
    assert.deepEqual(
      results.map((r) => r.trailers["x-done"]),
      ["local", "target", "local"],
    );
    assert.equal(apps.localDestination.opened - opened, 1, "both local streams shared one upstream session");
  });
});

describe("gRPC over h2c", () => {
  const json = {
    serialize: (value: unknown) => Buffer.from(JSON.stringify(value)),
    deserialize: (data: Buffer) => JSON.parse(data.toString()),
  };
  const service = {
    greet: {
      path: "/doppel.Test/Greet",
      requestStream: false,
      responseStream: false,
      requestSerialize: json.serialize,
      requestDeserialize: json.deserialize,
      responseSerialize: json.serialize,
      responseDeserialize: json.deserialize,
    },
    count: {
      path: "/doppel.Test/Count",
      requestStream: false,
      responseStream: true,
      requestSerialize: json.serialize,
      requestDeserialize: json.deserialize,
      responseSerialize: json.serialize,
      responseDeserialize: json.deserialize,
    },
  } satisfies grpc.ServiceDefinition;

  async function grpcApp(name: string): Promise<{ server: grpc.Server; port: number }> {
    const server = new grpc.Server();
    server.addService(service, {
      greet: (call: grpc.ServerUnaryCall<{ who: string }, unknown>, callback: grpc.sendUnaryData<unknown>) => {
        const trailer = new grpc.Metadata();
        trailer.set("x-served-by", name);
        if (call.request.who === "nobody") {
          callback({ code: grpc.status.NOT_FOUND, details: `${name} knows nobody`, metadata: trailer });
          return;
        }
        callback(null, { text: `${name} greets ${call.request.who}` }, trailer);
      },
      count: (call: grpc.ServerWritableStream<{ n: number }, unknown>) => {
        for (let i = 1; i <= call.request.n; i++) call.write({ i, from: name });
        const trailer = new grpc.Metadata();
        trailer.set("x-served-by", name);
        call.end(trailer);
      },
    });
    const port = await new Promise<number>((resolve, reject) =>
      server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (error, bound) =>
        error ? reject(error) : resolve(bound),
      ),
    );
    return { server, port };
  }

  test("unary and server-streaming calls keep their status and trailers", async () => {
    const target = await grpcApp("target");
    const local = await grpcApp("local");
    const apps: Apps = {
      target: net.createServer(),
      local: net.createServer(),
      targetDestination: new CountingDestination("target", () => target.port),
      localDestination: new CountingDestination("local", () => local.port),
    };
    const router = await routerFor(alice, false, apps);
    const Client = grpc.makeGenericClientConstructor(service, "Test");
    const client = new Client(`127.0.0.1:${router.port}`, grpc.credentials.createInsecure()) as unknown as {
      greet(
        req: unknown,
        md: grpc.Metadata,
        cb: (e: grpc.ServiceError | null, r?: { text: string }) => void,
      ): grpc.ClientUnaryCall;
      count(req: unknown, md: grpc.Metadata): grpc.ClientReadableStream<{ i: number; from: string }>;
      close(): void;
    };
    const metadata = (user: string) => {
      const md = new grpc.Metadata();
      md.set("x-user", user);
      return md;
    };
    const greet = (who: string, user: string) =>
      new Promise<{ error: grpc.ServiceError | null; text?: string; servedBy: unknown }>((resolve) => {
        let servedBy: unknown;
        const call = client.greet({ who }, metadata(user), (error, reply) =>
          resolve({ error, text: reply?.text, servedBy }),
        );
        call.on("status", (status) => {
          servedBy = status.metadata.get("x-served-by")[0];
        });
      });
    const ok = await greet("ann", "alice");
    assert.equal(ok.text, "local greets ann");
    const theirs = await greet("ann", "bob");
    assert.equal(theirs.text, "target greets ann");
    const missing = await greet("nobody", "alice");
    assert.equal(missing.error?.code, grpc.status.NOT_FOUND);
    assert.equal(missing.error?.details, "local knows nobody");
    assert.equal(missing.error?.metadata.get("x-served-by")[0], "local");

    const stream = client.count({ n: 5 }, metadata("alice"));
    const items: { i: number; from: string }[] = [];
    stream.on("data", (item) => items.push(item));
    const [status] = (await once(stream, "status")) as [grpc.StatusObject];
    assert.deepEqual(
      items.map((item) => `${item.from}${item.i}`),
      ["local1", "local2", "local3", "local4", "local5"],
    );
    assert.equal(status.code, grpc.status.OK);
    assert.equal(status.metadata.get("x-served-by")[0], "local");
    client.close();
    router.close();
    target.server.forceShutdown();
    local.server.forceShutdown();
  });
});
