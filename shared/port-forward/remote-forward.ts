// One -R forward: the target's incoming connections on rport are stolen through the session's incoming
// subscription (so the configuration's http_filter and on_concurrent_steal apply) and each is connected to
// 127.0.0.1:lport by the session proxy's incoming router. Unsubscribing gives the port back to the target.
import { doppelError } from "../errors.ts";
import { RemoteError } from "../session/agent-link.ts";
import { IncomingMode } from "../session/incoming.ts";
import type { ForwardingSession } from "./forwarding-session.ts";
import { listenHost } from "./local-forward.ts";
import type { RemoteForwardSpec } from "./spec.ts";

export class RemoteForward {
  private subscribed = false;

  constructor(
    readonly spec: RemoteForwardSpec,
    private readonly session: ForwardingSession,
  ) {}

  get localAddress(): string {
    return `${listenHost}:${this.spec.localPort}`;
  }

  /** Subscribes to the target's port; a refusal (another session steals it, a bad filter) is a DoppelError. */
  async start(): Promise<void> {
    const { remotePort, localPort } = this.spec;
    try {
      await this.session.incoming.subscribe(this, {
        port: remotePort,
        mode: IncomingMode.steal,
        app: { family: 4, ip: listenHost, port: localPort },
        // The router fills these three from the session's incoming configuration.
        concurrent_steal: 0,
        mirror_percent: 100,
        http_filter: "",
      });
      this.subscribed = true;
    } catch (error) {
      if (error instanceof RemoteError)
        throw doppelError.portForwardStealRefused(this.spec.text, remotePort, error.message);
      throw error;
    }
  }

  /** Gives the port back to the target (its redirect is removed before the agent answers). */
  async stop(): Promise<void> {
    if (!this.subscribed || this.session.link.lost) return;
    this.subscribed = false;
    await this.session.incoming.unsubscribe(this, this.spec.remotePort);
  }
}
