// HTTP load from this process: sequential latency, closed-loop keep-alive throughput, and a bounded open-loop
// generator at a fixed request rate (raw sockets, so the generator costs little next to what it measures).
import http from "node:http";
import net from "node:net";
import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import { percentile } from "./stats.ts";

function get(agent: http.Agent, url: string): Promise<void> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent }, (response) => {
        response.resume();
        response.on("end", () => resolve());
      })
      .on("error", reject);
  });
}

/** p50 and p99 in µs of `requests` sequential GETs over one keep-alive connection, after `warmup` unmeasured ones. */
export async function sequentialLatency(
  url: string,
  requests: number,
  warmup: number,
): Promise<{ p50: number; p99: number }> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  try {
    for (let i = 0; i < warmup; i++) await get(agent, url);
    const samples: number[] = [];
    for (let i = 0; i < requests; i++) {
      const start = performance.now();
      await get(agent, url);
      samples.push((performance.now() - start) * 1000);
    }
    return { p50: percentile(samples, 50), p99: percentile(samples, 99) };
  } finally {
    agent.destroy();
  }
}

/** Requests per second of `concurrency` keep-alive clients each sending its next GET as soon as one is answered. */
export async function keepAliveRate(url: string, concurrency: number, seconds: number): Promise<number> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  try {
    let done = 0;
    const start = performance.now();
    const end = start + seconds * 1000;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (performance.now() < end) {
          await get(agent, url);
          done++;
        }
      }),
    );
    return done / ((performance.now() - start) / 1000);
  } finally {
    agent.destroy();
  }
}

export interface OpenLoopOptions {
  host: string;
  port: number;
  /** Requests per second to send. */
  rate: number;
  seconds: number;
  /** Keep-alive connections; each carries one request at a time (no pipelining). */
  connections: number;
}

export interface OpenLoopResult {
  /** Requests written. */
  sent: number;
  /** Responses read in full. */
  answered: number;
  /** Requests due while every connection still waited for an answer: not sent (the generator fell behind). */
  late: number;
  /** Connections that failed. */
  errors: number;
  seconds: number;
}

const headerEnd = Buffer.from("\r\n\r\n");
const maxHeaderBytes = 64 * 1024;

/** One keep-alive connection with at most one request in flight; answers need a Content-Length. */
class LoadConnection {
  busy = false;
  private pending: Buffer = Buffer.alloc(0);

  constructor(
    readonly socket: net.Socket,
    private readonly answered: () => void,
  ) {
    socket.setNoDelay(true);
    socket.on("data", (chunk: Buffer) => this.receive(chunk));
  }

  send(path: string, host: string): void {
    this.busy = true;
    this.socket.write(`GET ${path} HTTP/1.1\r\nHost: ${host}\r\n\r\n`);
  }

  private receive(chunk: Buffer): void {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    const end = this.pending.indexOf(headerEnd);
    if (end < 0) {
      if (this.pending.length > maxHeaderBytes) this.socket.destroy(new Error("response header over 64 KiB"));
      return;
    }
    const length = /\r\ncontent-length:\s*(\d+)/i.exec(this.pending.subarray(0, end).toString("latin1"));
    if (!length) {
      this.socket.destroy(new Error("response without Content-Length (the generator reads only those)"));
      return;
    }
    const total = end + headerEnd.length + Number(length[1]);
    if (this.pending.length < total) return;
    this.pending = this.pending.subarray(total);
    this.busy = false;
    this.answered();
  }
}

/**
 * Sends GET /mN at a fixed rate for a bounded time over keep-alive connections, then waits up to 10 s for the
 * answers still in flight. A request that finds every connection busy is counted as late, not queued, so the
 * load never exceeds the rate and the run never outlasts its bound.
 */
export async function openLoop(options: OpenLoopOptions): Promise<OpenLoopResult> {
  const result: OpenLoopResult = { sent: 0, answered: 0, late: 0, errors: 0, seconds: options.seconds };
  const connections = await Promise.all(
    Array.from(
      { length: options.connections },
      () =>
        new Promise<LoadConnection>((resolve, reject) => {
          const socket = net.connect(options.port, options.host);
          socket.once("connect", () => {
            socket.off("error", reject);
            socket.on("error", () => {
              result.errors++;
            });
            resolve(
              new LoadConnection(socket, () => {
                result.answered++;
              }),
            );
          });
          socket.once("error", reject);
        }),
    ),
  );
  try {
    const start = performance.now();
    let due = 0;
    const total = Math.round(options.rate * options.seconds);
    while (due < total) {
      const elapsed = (performance.now() - start) / 1000;
      const now = Math.min(total, Math.floor(elapsed * options.rate));
      for (; due < now; due++) {
        const idle = connections.find((c) => !c.busy && !c.socket.destroyed);
        if (!idle) {
          result.late++;
          continue;
        }
        idle.send(`/m${due}`, options.host);
        result.sent++;
      }
      await sleep(1);
    }
    result.seconds = (performance.now() - start) / 1000;
    const drainEnd = performance.now() + 10_000;
    while (connections.some((c) => c.busy && !c.socket.destroyed) && performance.now() < drainEnd) await sleep(20);
    return result;
  } finally {
    for (const connection of connections) connection.socket.destroy();
  }
}
