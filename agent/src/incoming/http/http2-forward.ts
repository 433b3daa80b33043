// Forwards one HTTP/2 stream to its destination over that client connection's HTTP/2 session there, and streams
// the answer back: response headers (a trailers-only answer, as gRPC errors are, stays trailers-only), DATA as it
// arrives with flow control on both sessions, then trailers (grpc-status, grpc-message). A reset on either side
// resets the other, so a cancelled gRPC call is cancelled at the app too.
import http2 from "node:http2";
import type { RequestHead } from "../../../../shared/protocol/http-filter.ts";
import type { Destination } from "./destination.ts";
import type { Upstreams } from "./upstreams.ts";

const { NGHTTP2_CANCEL, NGHTTP2_INTERNAL_ERROR, NGHTTP2_FLAG_END_STREAM } = http2.constants;

/** The filter's view of an HTTP/2 request: `:authority` reads as Host, other pseudo-headers are not headers. */
export function streamHead(headers: http2.IncomingHttpHeaders): RequestHead {
  const pairs: [string, string][] = [];
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || (name.startsWith(":") && name !== ":authority")) continue;
    const header = name === ":authority" ? "host" : name;
    for (const item of Array.isArray(value) ? value : [value]) pairs.push([header, item]);
  }
  return { url: String(headers[":path"] ?? "/"), headers: pairs };
}

/** Response or trailer headers without pseudo-headers that cannot be sent again (`:status` is set by respond). */
function withoutPseudo(headers: http2.IncomingHttpHeaders): http2.OutgoingHttpHeaders {
  const out: http2.OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers))
    if (!name.startsWith(":") && value !== undefined) out[name] = value;
  return out;
}

export async function forwardStream(
  stream: http2.ServerHttp2Stream,
  headers: http2.IncomingHttpHeaders,
  flags: number,
  destination: Destination,
  upstreams: Upstreams,
): Promise<void> {
  let upstream: http2.ClientHttp2Stream;
  try {
    const session = await upstreams.sessionFor(destination);
    const endStream = (flags & NGHTTP2_FLAG_END_STREAM) !== 0 || stream.readableEnded;
    const forwarded: http2.OutgoingHttpHeaders = {};
    for (const [name, value] of Object.entries(headers)) if (value !== undefined) forwarded[name] = value;
    upstream = session.request(forwarded, { endStream });
  } catch (error) {
    if (stream.destroyed) return;
    if (!stream.headersSent) {
      stream.respond({ ":status": 502, "content-type": "text/plain; charset=utf-8" });
      stream.end(`doppel: forwarding the stream to ${destination.id} failed: ${(error as Error).message}\n`);
    } else stream.close(NGHTTP2_INTERNAL_ERROR);
    return;
  }
  let trailers: http2.IncomingHttpHeaders | undefined;
  upstream.on("trailers", (received) => {
    trailers = received;
  });
  upstream.on("response", (answer, answerFlags) => {
    if (stream.destroyed) return;
    if ((answerFlags & NGHTTP2_FLAG_END_STREAM) !== 0) {
      stream.respond(answer, { endStream: true });
      return;
    }
    stream.respond(answer, { waitForTrailers: true });
    upstream.pipe(stream);
  });
  stream.on("wantTrailers", () => {
    if (trailers) stream.sendTrailers(withoutPseudo(trailers));
    else stream.close();
  });
  if (!upstream.writableEnded) stream.pipe(upstream);
  upstream.on("error", () => undefined);
  stream.on("error", () => undefined);
  upstream.on("close", () => {
    if (!stream.destroyed && !stream.headersSent) {
      stream.respond({ ":status": 502 }, { endStream: true });
    } else if (!stream.destroyed && upstream.rstCode !== undefined && upstream.rstCode !== 0 && !stream.writableEnded) {
      stream.close(upstream.rstCode);
    }
  });
  stream.on("close", () => {
    if (!upstream.closed) upstream.close(stream.rstCode && stream.rstCode !== 0 ? stream.rstCode : NGHTTP2_CANCEL);
  });
}
