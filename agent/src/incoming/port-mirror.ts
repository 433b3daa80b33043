// Mirror: passive capture of a port's traffic with tcpdump running in the target's network namespace (kernel BPF
// filter, pcap stream on stdout), reassembled into per-connection byte streams. The target app keeps serving its
// clients; doppel only watches, so nothing here can slow down or break the pod's own traffic.
import { type ChildProcess, spawn } from "node:child_process";
import { decodeTcpSegment } from "./packet-decode.ts";
import { PcapStream } from "./pcap-stream.ts";
import { type ReassemblyEvents, TcpReassembly } from "./tcp-reassembly.ts";

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
  readonly #port: number;
  readonly #capture: ChildProcess;
  readonly #reassembly: TcpReassembly;
  #stopping = false;

  private constructor(netnsPath: string, port: number, events: MirrorEvents) {
    this.#port = port;
    this.#reassembly = new TcpReassembly(port, events);
    // -i any: every interface of the namespace (veth and lo); -U -w -: one pcap record per packet on stdout;
    // --immediate-mode: no kernel-side batching delay; -Z root: no switch to a "tcpdump" user that slim images lack.
    const args = ["-i", "any", "-n", "-s", "0", "-B", "4096", "-U", "--immediate-mode", "-Z", "root", "-w", "-"];
    const filter = `tcp dst port ${port} or tcp src port ${port}`;
    this.#capture = spawn("nsenter", [`--net=${netnsPath}`, "--", "sh", "-c", CAPTURE_SCRIPT, "sh", ...args, filter], {
      stdio: ["pipe", "pipe", "pipe"],
    });
    this.#capture.stdin?.on("error", () => undefined);
    const parser = new PcapStream((record) => {
      const segment = decodeTcpSegment(record.linkType, record.data);
      if (segment) this.#reassembly.push(segment);
    });
    (this.#capture.stdout as NodeJS.ReadableStream).pipe(parser);
    parser.on("error", (error) => {
      events.failed(`mirror of port ${port}: ${error.message}`);
      this.stop();
    });
    this.#capture.on("exit", (code, signal) => {
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

  get port(): number {
    return this.#port;
  }

  stop(): void {
    if (this.#stopping) return;
    this.#stopping = true;
    this.#capture.stdin?.end();
  }
}
