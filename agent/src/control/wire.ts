// What the control connection offers the session: typed frame sending. Kept as an interface so handlers do not
// depend on the socket.
import type { Body, MessageName } from "../../../shared/protocol/index.ts";

export interface Wire {
  /** Sends one frame; false when the connection's send buffer is full (the caller may slow down). */
  send<N extends MessageName>(type: N, requestId: number, body: Body<N>): boolean;
}

export const NO_ADDRESS = { family: 0, ip: "", port: 0 } as const;

export const LogLevel = { error: 1, warning: 2, info: 3, debug: 4 } as const;
