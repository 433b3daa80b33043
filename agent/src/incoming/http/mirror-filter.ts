// Mirror with an HTTP filter: the captured client→server stream of each connection is parsed as HTTP/1.x (by a
// node:http server reading from an in-memory stream, whose answers go nowhere) and only the requests the filter
// matches are copied to the session, each connection's matching requests on one mirrored connection. The target
// answers everything as always. HTTP/2 and other protocols are not copied at all under a filter: HTTP/2 header
// compression needs both directions of the exchange, and the capture reassembles only the client's.
import http from "node:http";
import { Duplex } from "node:stream";
import type { CompiledHttpFilter } from "../../../../shared/protocol/http-filter.ts";
import type { MirrorEvents } from "../port-mirror.ts";
import type { FlowEndpoints } from "../tcp-reassembly.ts";
import { headerPairs } from "./destination.ts";
import { requestHead } from "./http1-forward.ts";
import { classify } from "./sniff.ts";

interface Flow {
  endpoints: FlowEndpoints;
  start: Buffer;
  /** The in-memory connection the parser reads, once the flow is known to be HTTP/1.x. */
  wire?: Duplex;
  copying: boolean;
  ignored: boolean;
}

/** A request head as it was on the wire, chunked when its body was (the parser hands the body over de-chunked). */
function headOf(request: http.IncomingMessage): Buffer {
  const lines = [`${request.method} ${request.url} HTTP/${request.httpVersion}`];
  for (const [name, value] of headerPairs(request.rawHeaders)) lines.push(`${name}: ${value}`);
  return Buffer.from(`${lines.join("\r\n")}\r\n\r\n`, "latin1");
}

export function filteredMirror(events: MirrorEvents, filter: CompiledHttpFilter): MirrorEvents {
  const flows = new Map<number, Flow>();
  const parser = http.createServer({ requestTimeout: 0, headersTimeout: 0, keepAliveTimeout: 0 });
  const flowOf = new WeakMap<object, number>();

  parser.on("request", (request, response) => {
    const flowId = flowOf.get(request.socket);
    const flow = flowId === undefined ? undefined : flows.get(flowId);
    const copy = flow !== undefined && flowId !== undefined && filter.matches(requestHead(request));
    if (copy) {
      if (!flow.copying) {
        flow.copying = true;
        events.open(flowId, flow.endpoints);
      }
      events.data(flowId, headOf(request));
    }
    const chunked = /chunked/i.test(String(request.headers["transfer-encoding"] ?? ""));
    request.on("data", (chunk: Buffer) => {
      if (!copy) return;
      events.data(
        flowId,
        chunked ? Buffer.concat([Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from("\r\n")]) : chunk,
      );
    });
    request.on("end", () => {
      if (copy && chunked) events.data(flowId, Buffer.from("0\r\n\r\n"));
      // The parser moves on to the next request once this one is answered; the answer itself goes nowhere.
      response.writeHead(204);
      response.end();
    });
  });
  parser.on("clientError", (_error, socket) => socket.destroy());

  const startParsing = (flowId: number, flow: Flow) => {
    const wire = new Duplex({
      read() {},
      write(_chunk, _encoding, done) {
        done();
      },
    });
    flowOf.set(wire, flowId);
    flow.wire = wire;
    parser.emit("connection", wire);
    wire.push(flow.start);
  };

  return {
    open(flowId, endpoints) {
      flows.set(flowId, { endpoints, start: Buffer.alloc(0), copying: false, ignored: false });
    },
    data(flowId, data) {
      const flow = flows.get(flowId);
      if (!flow || flow.ignored) return;
      if (flow.wire) {
        flow.wire.push(data);
        return;
      }
      flow.start = Buffer.concat([flow.start, data]);
      const protocol = classify(flow.start);
      if (protocol === "h1") startParsing(flowId, flow);
      else if (protocol !== undefined) flow.ignored = true;
    },
    close(flowId) {
      const flow = flows.get(flowId);
      flows.delete(flowId);
      flow?.wire?.push(null);
      flow?.wire?.destroy();
      if (flow?.copying) events.close(flowId);
    },
    lost(flowId, bytes) {
      // After a gap the stream cannot be parsed any further: the connection's copy ends here.
      const flow = flows.get(flowId);
      if (!flow || flow.ignored) return;
      flow.ignored = true;
      flow.wire?.destroy();
      if (flow.copying) {
        events.lost?.(flowId, bytes);
        events.close(flowId);
        flow.copying = false;
      }
    },
    failed: (message) => events.failed(message),
  };
}
