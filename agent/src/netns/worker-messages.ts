// Messages between the agent and its network worker (the process that lives in the target's network namespace).
// They travel over Node's IPC channel with "advanced" serialization, so Buffers pass as they are and connected
// sockets / listening servers travel as handles: the worker creates them in the target namespace, the agent then
// reads and writes them directly and no payload byte crosses the IPC channel.

export type DnsRecordType = "A" | "AAAA" | "PTR";

export type WorkerRequest =
  | { op: "connect"; id: number; host: string; port: number; timeoutMs: number }
  | { op: "listen"; id: number; port: number; host: string }
  | {
      op: "udpOpen";
      id: number;
      family: 4 | 6;
      bind?: { address: string; port: number };
      peer?: { address: string; port: number };
    }
  /** `address` undefined: the socket's connected peer. */
  | { op: "udpSend"; id: number; socketId: number; data: Uint8Array; address?: string; port?: number }
  | { op: "udpClose"; id: number; socketId: number }
  | {
      op: "dnsQuery";
      id: number;
      servers: string[];
      timeoutMs: number;
      tries: number;
      name: string;
      type: DnsRecordType;
    };

export interface WorkerError {
  code: string;
  message: string;
}

export type WorkerReply =
  | { kind: "reply"; id: number; ok: true; result: unknown }
  | { kind: "reply"; id: number; ok: false; error: WorkerError };

export type WorkerEvent =
  /** Sent once when the worker runs (inside the namespace) and listens for requests. */
  | { kind: "ready" }
  | { kind: "udpMessage"; socketId: number; data: Uint8Array; address: string; port: number }
  | { kind: "udpError"; socketId: number; error: WorkerError };

export interface SocketAddress {
  address: string;
  port: number;
  family: 4 | 6;
}

export interface ConnectResult {
  local: SocketAddress;
  remote: SocketAddress;
}

export interface UdpOpenResult {
  socketId: number;
  local: SocketAddress;
  /** The connected peer, when one was given. */
  remote?: SocketAddress;
}
