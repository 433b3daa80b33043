// Socket addresses as the protocol wants them: an IPv4 peer on a dual-stack (::) socket shows up as
// "::ffff:a.b.c.d" and is reported as the IPv4 address it is.
import type { SocketAddress } from "./netns/worker-messages.ts";

const V4_MAPPED = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i;

export function toSocketAddress(
  address: string | undefined,
  port: number | undefined,
  family: string | number | undefined,
): SocketAddress {
  const mapped = V4_MAPPED.exec(address ?? "");
  if (mapped) return { address: mapped[1] as string, port: port ?? 0, family: 4 };
  return { address: address ?? "", port: port ?? 0, family: family === "IPv6" || family === 6 ? 6 : 4 };
}
