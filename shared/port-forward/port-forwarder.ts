// Every forward of one `doppel port-forward`, from binding to teardown: the -L listeners are bound first (before a
// session exists), then `start` subscribes the -R ports and lets the -L connections through. `close` gives the
// ports back to the target and stops listening; the session's own close then ends the relayed connections.
import { LogLevel, type LogSink } from "../session/session-proxy.ts";
import type { ForwardingSession } from "./forwarding-session.ts";
import { LocalForward } from "./local-forward.ts";
import { RemoteForward } from "./remote-forward.ts";
import type { ForwardSpecs } from "./spec.ts";

/** One ready forward, as `--json` prints it. */
export type ForwardDescription =
  | { forward: "local"; spec: string; listen: string; to: string }
  | { forward: "remote"; spec: string; port: number; to: string };

export class PortForwarder {
  private remote: RemoteForward[] = [];

  private constructor(
    private readonly specs: ForwardSpecs,
    private readonly local: LocalForward[],
    private readonly log: LogSink,
  ) {}

  /** Binds every -L listener; if one cannot be bound, the others are closed again and its error is thrown. */
  static async bind(specs: ForwardSpecs, log: LogSink): Promise<PortForwarder> {
    const bound = await Promise.allSettled(specs.local.map((spec) => LocalForward.listen(spec, log)));
    const local = bound.flatMap((result) => (result.status === "fulfilled" ? [result.value] : []));
    const failed = bound.find((result) => result.status === "rejected");
    if (failed) {
      for (const forward of local) forward.close();
      throw failed.reason;
    }
    return new PortForwarder(specs, local, log);
  }

  /** Subscribes every -R port (all or none), then forwards -L connections, those that waited first. */
  async start(session: ForwardingSession): Promise<void> {
    for (const spec of this.specs.remote) {
      const forward = new RemoteForward(spec, session);
      try {
        await forward.start();
      } catch (error) {
        await this.stopRemote();
        throw error;
      }
      this.remote.push(forward);
    }
    for (const forward of this.local) forward.start(session);
  }

  describe(): ForwardDescription[] {
    return [
      ...this.local.map((forward): ForwardDescription => {
        const { text, host, remotePort } = forward.spec;
        const to = host.includes(":") ? `[${host}]:${remotePort}` : `${host}:${remotePort}`;
        return { forward: "local", spec: text, listen: forward.listenAddress, to };
      }),
      ...this.remote.map(
        (forward): ForwardDescription => ({
          forward: "remote",
          spec: forward.spec.text,
          port: forward.spec.remotePort,
          to: forward.localAddress,
        }),
      ),
    ];
  }

  async close(): Promise<void> {
    for (const forward of this.local) forward.close();
    await this.stopRemote();
  }

  private async stopRemote(): Promise<void> {
    const stopping = this.remote;
    this.remote = [];
    const results = await Promise.allSettled(stopping.map((forward) => forward.stop()));
    results.forEach((result, index) => {
      if (result.status === "rejected") {
        this.log(
          LogLevel.warning,
          `-R ${stopping[index]?.spec.text}: could not give port ${stopping[index]?.spec.remotePort} back to the target: ${(result.reason as Error).message}; the agent removes the redirect when the session ends`,
        );
      }
    });
  }
}
