// Mirror: passive capture of a port's traffic with tcpdump running in the target's network namespace (kernel BPF
// filter, pcap stream on stdout), reassembled into per-connection byte streams. The target app keeps serving its
// clients; doppel only watches, so nothing here can slow down or break the pod's own traffic.
import { type ChildProcess, spawn } from "node:child_process";
import { decodeTcpSegment } from "./packet-decode.ts";
import { PcapStream } from "./pcap-stream.ts";
import { GAP_TIMEOUT_US, type ReassemblyEvents, TcpReassembly } from "./tcp-reassembly.ts";

export interface MirrorEvents extends ReassemblyEvents {
  /** The capture ended on its own (tcpdump died); the subscription is gone. */
  failed(message: string): void;
}

/**
 * Runs tcpdump under a small shell that ends it as soon as its stdin (a pipe only the agent holds) closes: on stop()
 * and equally when the agent is killed with -9, so no capture outlives the agent. The shell exits with tcpdump.
 */
// (Background jobs of a non-interactive shell get /dev/null as stdin, hence the detour through fd 3.)
const CAPTURE_SCRIPT =
  'exec 3<&0; tcpdump "$@" </dev/null 3<&- & t=$!; (read -r _ <&3; kill "$t" 2>/dev/null) >/dev/null 2>&1 & exec 3<&-; wait "$t"';

/** How long tcpdump may take to report that the capture is running. */
const START_TIMEOUT_MS = 10_000;

export class PortMirror {
  readonly #capture: ChildProcess;
  readonly #reassembly: TcpReassembly;
  readonly #gapTimer: NodeJS.Timeout;
  #stopping = false;

  private constructor(netnsPath: string, port: number, events: MirrorEvents) {
    this.#reassembly = new TcpReassembly(port, events);
    // -i any: every interface of the namespace (veth and lo); -U -w -: one pcap record per packet on stdout;
    // --immediate-mode: no batching delay; -Z root: no switch to a "tcpdump" user that slim images lack.
    // Immediate mode uses fixed-size ring slots of about the snapshot length, so the snapshot is capped at the
    // largest (GRO-merged) IP packet and the ring is 32 MiB: ~500 slots, enough to ride out a busy CPU without drops.
    const args = ["-i", "any", "-n", "-s", "65600", "-B", "32768", "-U", "--immediate-mode", "-Z", "root", "-w", "-"];
    // Only what reassembly needs: client→server segments (inbound, so loopback's second copy is skipped) and the
    // server's resets. Leaving the responses out keeps the capture small.
    const filter = `(inbound and tcp dst port ${port}) or (tcp src port ${port} and tcp[tcpflags] & tcp-rst != 0)`;
    this.#capture = spawn("nsenter", [`--net=${netnsPath}`, "--", "sh", "-c", CAPTURE_SCRIPT, "sh", ...args, filter], {
      stdio: ["pipe", "pipe", "pipe"],
    });
    this.#capture.stdin?.on("error", () => undefined);
    const parser = new PcapStream((record) => {
      const segment = decodeTcpSegment(record.linkType, record.data);
      if (segment) this.#reassembly.push(segment, record.timestampUs);
    });
    (this.#capture.stdout as NodeJS.ReadableStream).pipe(parser);
    parser.on("error", (error) => {
      events.failed(`mirror of port ${port}: ${error.message}`);
      this.stop();
    });
    // Gaps in connections that went quiet are only noticed by the clock, not by a next packet.
    this.#gapTimer = setInterval(() => this.#reassembly.skipStaleGaps(Date.now() * 1000), GAP_TIMEOUT_US / 2000);
    this.#gapTimer.unref();
    this.#capture.on("exit", (code, signal) => {
      clearInterval(this.#gapTimer);
      this.#reassembly.closeAll();
      if (!this.#stopping) events.failed(`tcpdump capturing port ${port} exited (code ${code}, signal ${signal})`);
    });
  }

  /** Starts capturing; resolves once tcpdump reports the capture is live, so no connection after that is missed. */
  static start(netnsPath: string, port: number, events: MirrorEvents): Promise<PortMirror> {
    const mirror = new PortMirror(netnsPath, port, events);
    const capture = mirror.#capture;
    return new Promise((resolve, reject) => {
      let stderr = "";
      const fail = (message: string) => {
        clearTimeout(timer);
        mirror.stop();
        reject(new Error(`could not start capturing port ${port} in the network namespace ${netnsPath}: ${message}`));
      };
      const timer = setTimeout(() => fail(`tcpdump did not start within ${START_TIMEOUT_MS} ms`), START_TIMEOUT_MS);
      capture.on("error", (error) => fail(`${error.message} (is tcpdump installed in the agent image?)`));
      const exitedEarly = () => fail(stderr.trim() || "tcpdump exited");
      capture.once("exit", exitedEarly);
      let live = false;
      capture.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
        if (live) return;
        stderr += chunk;
        if (/listening on/.test(stderr)) {
          live = true;
          clearTimeout(timer);
          capture.off("exit", exitedEarly);
          capture.removeAllListeners("error");
          capture.on("error", () => undefined);
          resolve(mirror);
        }
      });
    });
  }

  stop(): void {
    if (this.#stopping) return;
    this.#stopping = true;
    this.#capture.stdin?.end();
  }
}
