// Runs `doppel ide …` and reads its JSON lines (docs/ide-protocol.md). One-shot commands resolve with their
// result line; `start` resolves on `ready` with a handle that stops the session. Every error line becomes an
// IdeCommandError carrying the line, so callers decide on its code and actions. Free of the vscode module.
import { type ChildProcess, spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { IDE_PROTOCOL_VERSION, type IdeEvent } from "../../../shared/cli/ide-protocol.ts";

export type ErrorEvent = Extract<IdeEvent, { type: "error" }>;
export type ReadyEvent = Extract<IdeEvent, { type: "ready" }>;
export type ProgressEvent = Extract<IdeEvent, { type: "progress" }>;
export type LogEvent = Extract<IdeEvent, { type: "log" }>;

export { IDE_PROTOCOL_VERSION };

/** How to run a doppel CLI: node and its arguments up to the CLI's entry (shared/dist/cli.js of an installation). */
export interface CliCommand {
  node: string;
  args: readonly string[];
}

export class IdeCommandError extends Error {
  override name = "IdeCommandError";
  constructor(readonly event: ErrorEvent) {
    super(event.message);
  }
}

/** The CLI speaks another protocol version, or did not speak it at all. */
export class IdeProtocolError extends Error {
  override name = "IdeProtocolError";
}

export interface IdeClientOptions {
  cli: CliCommand;
  /** Every line the CLI writes (stdout and stderr), for the output channel. */
  log: (text: string) => void;
  /** The environment the CLI runs with (defaults to this process's). */
  env?: NodeJS.ProcessEnv;
}

export interface RunningSession {
  ready: ReadyEvent;
  /** Resolves when the session process has ended. */
  ended: Promise<void>;
  /** Asks doppel to tear the session down; resolves once it has. */
  stop(): Promise<void>;
}

export class IdeClient {
  constructor(private readonly options: IdeClientOptions) {}

  private spawn(args: readonly string[]): ChildProcess {
    // In VS Code desktop process.execPath is Electron: make it behave as node.
    const env = { ...(this.options.env ?? process.env), ELECTRON_RUN_AS_NODE: "1" };
    this.options.log(`$ doppel ide ${args.join(" ")}`);
    const child = spawn(this.options.cli.node, [...this.options.cli.args, "ide", ...args], {
      env,
      stdio: ["pipe", "pipe", "pipe"],
    });
    createInterface({ input: child.stderr as NodeJS.ReadableStream }).on("line", (line) => this.options.log(line));
    return child;
  }

  /** Calls `onEvent` for every line, once the first has proved to be a hello of our protocol; resolves with the exit code. */
  private read(child: ChildProcess, onEvent: (event: IdeEvent) => void): Promise<number | null> {
    let greeted = false;
    let protocolError: IdeProtocolError | undefined;
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on("line", (line) => {
      this.options.log(line);
      let event: IdeEvent;
      try {
        event = JSON.parse(line) as IdeEvent;
      } catch {
        return; // not a protocol line; it is in the log
      }
      if (!greeted) {
        greeted = true;
        if (event.type !== "hello" || event.protocol !== IDE_PROTOCOL_VERSION) {
          const spoken =
            event.type === "hello" ? `IDE protocol ${event.protocol} (doppel ${event.doppel})` : "no known protocol";
          protocolError = new IdeProtocolError(
            `this doppel CLI speaks ${spoken}; the extension needs IDE protocol ${IDE_PROTOCOL_VERSION}. Set doppel.autoUpdate to a compatible version or clear doppel.binaryPath.`,
          );
          child.kill();
        }
      }
      if (protocolError === undefined) onEvent(event);
    });
    return new Promise((resolve, reject) => {
      child.once("error", (error) => reject(new IdeProtocolError(`cannot run doppel: ${error.message}`)));
      child.once("close", (code) => {
        if (protocolError !== undefined) reject(protocolError);
        else if (!greeted)
          reject(
            new IdeProtocolError(`doppel exited (code ${code}) without speaking the IDE protocol; see the output`),
          );
        else resolve(code);
      });
    });
  }

  /** A one-shot command: its result line of type `type` (`hello` for `version`); `log` lines go to `onLog`. */
  async request<T extends IdeEvent["type"]>(
    args: readonly string[],
    type: T,
    onLog: (event: LogEvent) => void = () => {},
  ): Promise<Extract<IdeEvent, { type: T }>> {
    const child = this.spawn(args);
    child.stdin?.end();
    const events: IdeEvent[] = [];
    await this.read(child, (event) => {
      if (event.type === "log") onLog(event);
      events.push(event);
    });
    const error = events.find((event): event is ErrorEvent => event.type === "error");
    if (error) throw new IdeCommandError(error);
    const result = events.find((event) => event.type === type);
    if (result === undefined)
      throw new IdeProtocolError(`doppel ide ${args[0]} printed no ${type} line; see the output`);
    return result as Extract<IdeEvent, { type: T }>;
  }

  /** `ide start`: resolves on `ready`; aborting the signal before that stops the set-up (and rejects). */
  start(
    args: readonly string[],
    handlers: { progress(event: ProgressEvent): void; log(event: LogEvent): void },
    signal: AbortSignal,
  ): Promise<RunningSession> {
    const child = this.spawn(["start", ...args]);
    let settled = false;
    let resolveReady: (event: ReadyEvent) => void = () => {};
    let rejectReady: (error: unknown) => void = () => {};
    const ready = new Promise<ReadyEvent>((resolve, reject) => {
      resolveReady = resolve;
      rejectReady = reject;
    });
    const settle = (action: () => void) => {
      if (settled) return;
      settled = true;
      action();
    };
    // Always resolves, once the process has ended; before `ready` its end is a failure of start().
    const ended = this.read(child, (event) => {
      if (event.type === "progress") handlers.progress(event);
      else if (event.type === "log") handlers.log(event);
      else if (event.type === "error") settle(() => rejectReady(new IdeCommandError(event)));
      else if (event.type === "ready") settle(() => resolveReady(event));
    }).then(
      () =>
        settle(() => rejectReady(new IdeProtocolError("doppel ended the session before it was ready; see the output"))),
      (error: unknown) => settle(() => rejectReady(error)),
    );
    const stop = async () => {
      if (child.exitCode === null && child.signalCode === null && child.stdin?.writable) {
        child.stdin.write(`${JSON.stringify({ type: "stop" })}\n`);
      }
      await ended;
    };
    const onAbort = () => void stop();
    signal.addEventListener("abort", onAbort, { once: true });
    return ready
      .finally(() => signal.removeEventListener("abort", onAbort))
      .then((event) => ({ ready: event, ended, stop }));
  }
}
