// What forwards need from an open session, whatever its target: the agent link (DNS in the target), outgoing
// connections from the target, and the incoming subscriptions. The session proxy provides all three.
import type { AgentLink } from "../session/agent-link.ts";
import type { IncomingRouter } from "../session/incoming.ts";
import type { Outgoing } from "../session/outgoing.ts";

export interface ForwardingSession {
  readonly link: AgentLink;
  readonly outgoing: Outgoing;
  readonly incoming: IncomingRouter;
}
