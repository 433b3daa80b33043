// Forwards one HTTP/1.x request to its destination and streams the response back: status, headers, body as it
// arrives (chunked stays chunked) and trailers. Headers that describe a single hop (Connection, Keep-Alive, …)
// are dropped; each side keeps its own connection management. Upgrades (WebSocket, h2c) and CONNECT pin the
// client connection to the destination of that request and become a raw byte pipe from then on.
import http from "node:http";
import type net from "node:net";
import { pipeline } from "node:stream";
import type { RequestHead } from "../../../../shared/protocol/http-filter.ts";
import type { StolenConnection } from "../port-steal.ts";
import { type Destination, headerPairs } from "./destination.ts";
import type { Upstreams } from "./upstreams.ts";

const HOP_BY_HOP = new Set([
  "connection",
  "keep-alive",
  "proxy-connection",
  "proxy-authenticate",
  "proxy-authorization",
  "te",
  "upgrade",
]);

/** Raw headers without the hop-by-hop ones, and without those the Connection header names. */
function endToEnd(raw: readonly string[]): string[] {
  const pairs = headerPairs(raw);
  const named = new Set(
    pairs
      .filter(([name]) => name.toLowerCase() === "connection")
      .flatMap(([, value]) => value.split(",").map((token) => token.trim().toLowerCase())),
  );
  return pairs.filter(([name]) => !HOP_BY_HOP.has(name.toLowerCase()) && !named.has(name.toLowerCase())).flat();
}

export function requestHead(request: http.IncomingMessage): RequestHead {
  return { url: request.url ?? "/", headers: headerPairs(request.rawHeaders) };
}

function failed(response: http.ServerResponse, destination: Destination, error: Error): void {
  if (response.headersSent) {
    response.destroy(error);
    return;
  }
  const text = `doppel: forwarding the request to ${destination.id} failed: ${error.message}\n`;
  response.writeHead(502, { "content-type": "text/plain; charset=utf-8", "content-length": Buffer.byteLength(text) });
  response.end(text);
}

export async function forwardRequest(
  request: http.IncomingMessage,
  response: http.ServerResponse,
  destination: Destination,
  upstreams: Upstreams,
): Promise<void> {
  let agent: http.Agent;
  try {
    agent = await upstreams.agentFor(destination);
  } catch (error) {
    failed(response, destination, error as Error);
    return;
  }
  const upstream = http.request({
    agent,
    method: request.method,
    path: request.url,
    headers: endToEnd(request.rawHeaders),
    setHost: false,
  });
  upstream.on("response", (answer) => {
    response.writeHead(answer.statusCode ?? 502, answer.statusMessage, endToEnd(answer.rawHeaders));
    answer.on("data", (chunk: Buffer) => {
      if (!response.write(chunk)) answer.pause();
    });
    response.on("drain", () => answer.resume());
    answer.on("end", () => {
      if (answer.rawTrailers.length > 0) response.addTrailers(headerPairs(answer.rawTrailers));
      response.end();
    });
    answer.on("error", (error) => response.destroy(error));
  });
  upstream.on("error", (error) => failed(response, destination, error));
  // The client gave up (closed mid-request or mid-response): so does the upstream request.
  response.on("close", () => {
    if (!response.writableFinished) upstream.destroy();
  });
  request.on("data", (chunk: Buffer) => {
    if (!upstream.write(chunk)) request.pause();
  });
  upstream.on("drain", () => request.resume());
  request.on("end", () => {
    if (request.rawTrailers.length > 0) upstream.addTrailers(headerPairs(request.rawTrailers));
    upstream.end();
  });
}

/** The request line and headers as the client sent them (hop-by-hop ones included: they carry the upgrade). */
function serializedHead(request: http.IncomingMessage): Buffer {
  const lines = [`${request.method} ${request.url} HTTP/${request.httpVersion}`];
  for (const [name, value] of headerPairs(request.rawHeaders)) lines.push(`${name}: ${value}`);
  return Buffer.from(`${lines.join("\r\n")}\r\n\r\n`, "latin1");
}

/** An upgrade or CONNECT: the rest of the client connection belongs to `destination`, byte for byte. */
export async function forwardUpgrade(
  request: http.IncomingMessage,
  socket: net.Socket,
  head: Buffer,
  destination: Destination,
  client: StolenConnection,
): Promise<void> {
  let upstream: net.Socket;
  try {
    upstream = await destination.open(client);
  } catch (error) {
    const text = `doppel: forwarding the upgrade to ${destination.id} failed: ${(error as Error).message}\n`;
    socket.end(
      `HTTP/1.1 502 Bad Gateway\r\nconnection: close\r\ncontent-length: ${Buffer.byteLength(text)}\r\n\r\n${text}`,
    );
    return;
  }
  upstream.write(serializedHead(request));
  if (head.length > 0) upstream.write(head);
  pipeline(socket, upstream, () => undefined);
  pipeline(upstream, socket, () => undefined);
}
