// Where a session's agent runs and how the session reaches it. A placement starts the agent for one session and
// hands back a TCP address the AgentLink connects to: the agent itself for a local `pid/<N>` target, a loopback
// port-forward through the API server for a cluster target. openSession works the same on top of either.

export interface SessionSecret {
  id: string;
  /** The per-session token the agent requires in HELLO. */
  token: string;
  /** The token in a file only this user can read (what a local agent reads it from). */
  tokenFile: string;
}

export interface PlacementOptions {
  startupTimeoutMs: number;
  communicationTimeoutS: number;
  /** Aborting stops the start and removes what it made; place() then rejects. */
  signal: AbortSignal;
  /** Steps of a slow start, shown as progress ("creating the agent's Job on node n1"). */
  progress: (text: string) => void;
}

export interface PlacedAgent {
  host: string;
  port: number;
  /** Where the agent runs, for messages: "next to pid 42", "in Job doppel-agent-ab12 (namespace shop)". */
  where: string;
  /** Why connections to the agent failed, when the transport knows more than the socket does. */
  transportError(): string | undefined;
  /** Stops the agent and removes everything the placement made. Safe to call twice. */
  stop(): Promise<void>;
}

export interface AgentPlacement {
  /** For the first progress line: "next to pid 42", "for deployment/web in namespace shop". */
  description: string;
  place(session: SessionSecret, options: PlacementOptions): Promise<PlacedAgent>;
}
