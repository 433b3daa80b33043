// The HTTP app pods and the backend run by default: test/fixtures/pod-http-app/server.mjs (answers
// "pod <name>: <METHOD> <path>", echoes UDP, counts requests at /__stats). The host's node binary and the fixture
// are both visible inside a pod, whose root is an overlay of the host's.
import { fileURLToPath } from "node:url";

export const httpAppPath = fileURLToPath(new URL("../fixtures/pod-http-app/server.mjs", import.meta.url));

/** Printed by the app once its TCP and UDP sockets are bound. */
export const httpAppReadyLine = /^listening \d+$/m;

export interface HttpAppStats {
  /** HTTP requests answered, /__stats excluded. */
  requests: number;
  byPath: Record<string, number>;
  udpDatagrams: number;
}

export function httpAppArgv(name: string, port: number): string[] {
  return [process.execPath, httpAppPath, "--name", name, "--port", String(port)];
}

export async function fetchHttpAppStats(baseUrl: string): Promise<HttpAppStats> {
  const response = await fetch(new URL("/__stats", baseUrl));
  if (!response.ok) throw new Error(`GET ${baseUrl}/__stats answered ${response.status}`);
  return (await response.json()) as HttpAppStats;
}
