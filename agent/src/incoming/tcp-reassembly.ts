// Rebuilds the client→server byte stream of each TCP connection to one port from captured segments: the SYN fixes
// the initial sequence number, retransmitted and overlapping bytes are trimmed, segments that arrive early wait
// until the gap before them is filled, and a client FIN (once every byte before it arrived) or an RST from either
// side ends the connection. Connections whose SYN was not captured are ignored: their stream would start mid-way.
// A capture can miss a packet the server did get (kernel ring full); no retransmission will ever fill that gap, so
// a gap older than GAP_TIMEOUT_US is skipped: the bytes after it are delivered and the loss is reported.
import { TcpFlag, type TcpSegment } from "./packet-decode.ts";

/** Out-of-order bytes one connection may hold; beyond this the connection is abandoned (reported closed). */
const MAX_PENDING_BYTES = 4 * 1024 * 1024;
/** Connections tracked at once; the oldest is dropped beyond this. */
const MAX_FLOWS = 10_000;
/** Longer than Linux's minimum retransmission timeout (200 ms), so a real retransmission fills a gap first. */
export const GAP_TIMEOUT_US = 300_000;

export interface FlowEndpoints {
  remote: { address: string; port: number; family: 4 | 6 };
  local: { address: string; port: number; family: 4 | 6 };
}

export interface ReassemblyEvents {
  open(flowId: number, endpoints: FlowEndpoints): void;
  data(flowId: number, data: Buffer): void;
  close(flowId: number): void;
  /** `bytes` of the stream were never captured and were skipped. */
  lost?(flowId: number, bytes: number): void;
}

interface Flow {
  id: number;
  isn: number;
  nextSeq: number;
  finSeq?: number;
  pending: Map<number, Buffer>;
  pendingBytes: number;
  /** Capture time when the oldest unfilled gap appeared. */
  gapSinceUs?: number;
}

/** a - b in 32-bit sequence space, as a signed distance. */
function seqDiff(a: number, b: number): number {
  return ((a - b) << 0) | 0;
}

function seqAdd(a: number, n: number): number {
  return (a + n) >>> 0;
}

export class TcpReassembly {
  readonly #port: number;
  readonly #events: ReassemblyEvents;
  readonly #flows = new Map<string, Flow>();
  #nextFlowId = 1;

  constructor(port: number, events: ReassemblyEvents) {
    this.#port = port;
    this.#events = events;
  }

  get activeFlows(): number {
    return this.#flows.size;
  }

  /** One captured segment; `timestampUs` is its capture time (microseconds since the epoch). */
  push(segment: TcpSegment, timestampUs: number): void {
    if (segment.dstPort === this.#port) this.#fromClient(segment, timestampUs);
    else if (segment.srcPort === this.#port && segment.flags & TcpFlag.rst) {
      this.#close(flowKey(segment.dstAddress, segment.dstPort, segment.srcAddress, segment.srcPort));
    }
  }

  /** Skips gaps that stayed open since before `nowUs - GAP_TIMEOUT_US` (also for connections gone quiet). */
  skipStaleGaps(nowUs: number): void {
    for (const [key, flow] of [...this.#flows]) this.#skipIfStale(key, flow, nowUs);
  }

  /** Ends every tracked connection (the capture stopped). */
  closeAll(): void {
    for (const key of [...this.#flows.keys()]) this.#close(key);
  }

  #fromClient(segment: TcpSegment, timestampUs: number): void {
    const key = flowKey(segment.srcAddress, segment.srcPort, segment.dstAddress, segment.dstPort);
    let flow = this.#flows.get(key);
    if (segment.flags & TcpFlag.syn) {
      if (flow && flow.isn === segment.seq) return; // a retransmitted SYN
      if (flow) this.#close(key); // the client reused the port for a new connection
      flow = this.#open(key, segment);
    }
    if (!flow) return;
    if (segment.flags & TcpFlag.rst) {
      this.#close(key);
      return;
    }
    const start = segment.flags & TcpFlag.syn ? seqAdd(segment.seq, 1) : segment.seq;
    if (segment.flags & TcpFlag.fin) flow.finSeq = seqAdd(start, segment.payload.length);
    if (segment.payload.length > 0) this.#accept(flow, start, segment.payload);
    if (flow.pendingBytes > MAX_PENDING_BYTES) {
      this.#close(key);
      return;
    }
    if (flow.pending.size === 0) flow.gapSinceUs = undefined;
    else flow.gapSinceUs ??= timestampUs;
    this.#closeIfFinished(key, flow);
    this.#skipIfStale(key, flow, timestampUs);
  }

  #closeIfFinished(key: string, flow: Flow): void {
    if (flow.finSeq !== undefined && flow.nextSeq === flow.finSeq) this.#close(key);
  }

  #skipIfStale(key: string, flow: Flow, nowUs: number): void {
    if (flow.gapSinceUs === undefined || nowUs - flow.gapSinceUs < GAP_TIMEOUT_US || !this.#flows.has(key)) return;
    let nearest: number | undefined;
    for (const heldSeq of flow.pending.keys()) {
      if (nearest === undefined || seqDiff(heldSeq, nearest) < 0) nearest = heldSeq;
    }
    if (nearest === undefined) return;
    const missing = seqDiff(nearest, flow.nextSeq);
    flow.nextSeq = nearest;
    this.#events.lost?.(flow.id, missing);
    this.#drain(flow);
    flow.gapSinceUs = flow.pending.size === 0 ? undefined : nowUs;
    this.#closeIfFinished(key, flow);
  }

  #open(key: string, segment: TcpSegment): Flow {
    if (this.#flows.size >= MAX_FLOWS) {
      const oldest = this.#flows.keys().next().value as string;
      this.#close(oldest);
    }
    const flow: Flow = {
      id: this.#nextFlowId++,
      isn: segment.seq,
      nextSeq: seqAdd(segment.seq, 1),
      pending: new Map(),
      pendingBytes: 0,
    };
    this.#flows.set(key, flow);
    this.#events.open(flow.id, {
      remote: { address: segment.srcAddress, port: segment.srcPort, family: segment.family },
      local: { address: segment.dstAddress, port: segment.dstPort, family: segment.family },
    });
    return flow;
  }

  #accept(flow: Flow, seq: number, payload: Buffer): void {
    const ahead = seqDiff(seq, flow.nextSeq);
    if (ahead > 0) {
      const held = flow.pending.get(seq);
      if (!held || held.length < payload.length) {
        flow.pendingBytes += payload.length - (held?.length ?? 0);
        flow.pending.set(seq, Buffer.from(payload));
      }
      return;
    }
    this.#deliver(flow, payload.subarray(-ahead));
    this.#drain(flow);
  }

  /** Delivers every held segment that starts at or before the delivered edge (earlier gaps may now be filled). */
  #drain(flow: Flow): void {
    let progressed = true;
    while (progressed && flow.pending.size > 0) {
      progressed = false;
      for (const [heldSeq, held] of flow.pending) {
        const offset = seqDiff(heldSeq, flow.nextSeq);
        if (offset > 0) continue;
        flow.pending.delete(heldSeq);
        flow.pendingBytes -= held.length;
        this.#deliver(flow, held.subarray(-offset));
        progressed = true;
      }
    }
  }

  #deliver(flow: Flow, data: Buffer): void {
    if (data.length === 0) return;
    flow.nextSeq = seqAdd(flow.nextSeq, data.length);
    this.#events.data(flow.id, data);
  }

  #close(key: string): void {
    const flow = this.#flows.get(key);
    if (!flow) return;
    this.#flows.delete(key);
    this.#events.close(flow.id);
  }
}

function flowKey(clientAddress: string, clientPort: number, serverAddress: string, serverPort: number): string {
  return `${clientAddress}|${clientPort}|${serverAddress}|${serverPort}`;
}
