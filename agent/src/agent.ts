// The composition root: builds the agent's parts for one target process and owns their lifecycle. The agent ends
// (removing every rule it made) when the target exits, when no authenticated client has been connected for the
// communication timeout, when its network worker dies, or on SIGTERM/SIGINT.
import { readFile } from "node:fs/promises";
import net from "node:net";
import { ControlConnection } from "./control/control-connection.ts";
import { type AgentServices, Session } from "./control/session.ts";
import { TargetResolver } from "./dns/target-resolver.ts";
import { resolveInRoot } from "./files/rooted-path.ts";
import { readCredentials } from "./files/target-credentials.ts";
import { IncomingPorts } from "./incoming/incoming-ports.ts";
import { NetnsWorker } from "./netns/netns-worker.ts";
import { TargetNetns } from "./target-netns.ts";
import { watchProcessExit } from "./target-process.ts";

export const AGENT_SOFTWARE = "doppel-agent 0.1.0";
const CONTROL_BUFFER_BYTES = 1024 * 1024;

export interface AgentOptions {
  pid: number;
  /** The agent serves itself (targetless): its own namespace, so the network worker starts without nsenter. */
  ownNamespace?: boolean;
  /** Variables of the target's environment never served (the agent's own token variable, when it is the target). */
  hiddenVariables?: readonly string[];
  listenHost: string;
  listenPort: number;
  token: string;
  /** Names the nft table (doppel_<session>); letters, digits and "_" only. */
  session: string;
  communicationTimeoutMs: number;
  /** How to run the network worker script, e.g. [process.execPath, ".../networker.js"]. */
  workerCommand: string[];
  heartbeatMs?: number;
  deadAfterMs?: number;
  log?: (line: string) => void;
}

export class Agent {
  readonly #options: AgentOptions;
  readonly #netns: TargetNetns;
  readonly #worker: NetnsWorker;
  readonly #incoming: IncomingPorts;
  readonly #server: net.Server;
  readonly #connections = new Set<ControlConnection>();
  readonly #log: (line: string) => void;
  #authenticated = 0;
  #idleTimer: NodeJS.Timeout | undefined;
  #stopWatchingTarget: () => void = () => undefined;
  #shutdown: Promise<void> | undefined;
  #resolveDone: (reason: string) => void = () => undefined;
  /** Resolves with the reason once the agent has shut down and cleaned up. */
  readonly done: Promise<string>;

  private constructor(options: AgentOptions) {
    this.#options = options;
    this.#log = options.log ?? ((line) => process.stderr.write(`${line}\n`));
    this.done = new Promise((resolve) => {
      this.#resolveDone = resolve;
    });
    this.#netns = new TargetNetns(options.pid);
    this.#worker = new NetnsWorker(this.#netns.path, options.workerCommand, {
      enterNetns: options.ownNamespace !== true,
    });
    this.#incoming = new IncomingPorts(this.#netns.path, options.session, this.#worker);
    const targetRoot = `/proc/${options.pid}/root`;
    const services: AgentServices = {
      targetPid: options.pid,
      hiddenVariables: options.hiddenVariables ?? [],
      targetRoot,
      credentials: () => readCredentials(options.pid),
      resolver: new TargetResolver(
        async (path) => readFile((await resolveInRoot(targetRoot, path, { followLast: true })).hostPath, "utf8"),
        (servers, timeoutMs, tries, name, type) => this.#worker.dnsQuery(servers, timeoutMs, tries, name, type),
      ),
      worker: this.#worker,
      incoming: this.#incoming,
    };
    // 1 MiB of send buffer per control connection before relays are paused (Node's default is 16 KiB).
    this.#server = net.createServer({ highWaterMark: CONTROL_BUFFER_BYTES }, (socket) =>
      this.#accept(socket, services),
    );
  }

  static async start(options: AgentOptions): Promise<Agent> {
    if (!/^\w{1,40}$/.test(options.session)) {
      throw new Error(
        `session id ${JSON.stringify(options.session)} must be 1–40 letters, digits or "_" (it names the nft table)`,
      );
    }
    const agent = new Agent(options);
    try {
      await agent.#begin();
    } catch (error) {
      await agent.shutdown(`startup failed: ${(error as Error).message}`);
      throw error;
    }
    return agent;
  }

  get address(): string {
    const bound = this.#server.address() as net.AddressInfo;
    return bound.family === "IPv6" ? `[${bound.address}]:${bound.port}` : `${bound.address}:${bound.port}`;
  }

  /** Idempotent: closes clients, removes rules and captures, stops the worker. */
  shutdown(reason: string): Promise<void> {
    this.#shutdown ??= this.#cleanUp(reason);
    return this.#shutdown;
  }

  async #begin(): Promise<void> {
    this.#worker.on(
      "exit",
      (code, signal) => void this.shutdown(`the network worker exited (code ${code}, signal ${signal})`),
    );
    await this.#worker.ready;
    try {
      const swept = await this.#incoming.sweep();
      if (swept.length > 0) this.#log(`removed stale doppel tables left by dead agents: ${swept.join(", ")}`);
    } catch (error) {
      this.#log(`warning: could not check for stale doppel tables: ${(error as Error).message}`);
    }
    await new Promise<void>((resolve, reject) => {
      this.#server.once("error", reject);
      this.#server.listen({ host: this.#options.listenHost, port: this.#options.listenPort }, () => {
        this.#server.off("error", reject);
        resolve();
      });
    });
    this.#stopWatchingTarget = watchProcessExit(
      this.#options.pid,
      () => void this.shutdown(`target process ${this.#options.pid} exited`),
    );
    this.#armIdleTimer();
  }

  #accept(socket: net.Socket, services: AgentServices): void {
    if (this.#shutdown) {
      socket.destroy();
      return;
    }
    const connection = new ControlConnection(socket, {
      token: this.#options.token,
      software: AGENT_SOFTWARE,
      heartbeatMs: this.#options.heartbeatMs ?? 5000,
      deadAfterMs: this.#options.deadAfterMs ?? 15000,
      createSession: (wire) => new Session(services, wire),
      log: this.#log,
      onAuthenticated: () => {
        this.#authenticated += 1;
        clearTimeout(this.#idleTimer);
      },
      onClosed: (closed, authenticated) => {
        this.#connections.delete(closed);
        if (!authenticated) return;
        this.#authenticated -= 1;
        if (this.#authenticated === 0) this.#armIdleTimer();
      },
    });
    this.#connections.add(connection);
  }

  #armIdleTimer(): void {
    clearTimeout(this.#idleTimer);
    const seconds = this.#options.communicationTimeoutMs / 1000;
    this.#idleTimer = setTimeout(
      () => void this.shutdown(`no client connected for the communication timeout (${seconds} s)`),
      this.#options.communicationTimeoutMs,
    );
  }

  async #cleanUp(reason: string): Promise<void> {
    this.#log(`agent for pid ${this.#options.pid} shutting down: ${reason}`);
    clearTimeout(this.#idleTimer);
    this.#stopWatchingTarget();
    this.#server.close();
    for (const connection of this.#connections) connection.close();
    await this.#incoming
      .close()
      .catch((error) => this.#log(`warning: removing redirect rules failed: ${(error as Error).message}`));
    await this.#worker.stop();
    this.#netns.close();
    this.#resolveDone(reason);
  }
}
