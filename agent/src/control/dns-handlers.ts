// DNS_GETADDRINFO / DNS_GETNAMEINFO (PROTOCOL.md §8). A failed lookup is a status in the reply, not an ERROR.
import { AF_INET6, DnsError, EaiCode } from "../dns/target-resolver.ts";
import type { HandlerTable } from "./session.ts";

function statusOf(error: unknown): number {
  return error instanceof DnsError ? error.eai : EaiCode.EAI_FAIL;
}

export const dnsHandlers: HandlerTable = {
  async DNS_GETADDRINFO(session, body, requestId) {
    try {
      const entries = await session.services.resolver.getaddrinfo({
        node: body.host,
        service: body.service,
        family: body.family,
        socktype: body.socktype,
        protocol: body.protocol,
        flags: body.flags,
      });
      session.reply("DNS_ADDRINFO", requestId, {
        status: 0,
        entries: entries.map((e) => ({
          socktype: e.socktype,
          protocol: e.protocol,
          address: { family: e.family === AF_INET6 ? (6 as const) : (4 as const), ip: e.address, port: e.port },
          canonname: e.canonicalName,
        })),
      });
    } catch (error) {
      session.reply("DNS_ADDRINFO", requestId, { status: statusOf(error), entries: [] });
    }
  },
  async DNS_GETNAMEINFO(session, body, requestId) {
    try {
      const { host, service } = await session.services.resolver.getnameinfo(
        body.address.ip,
        body.address.port,
        body.flags,
      );
      session.reply("DNS_NAMEINFO", requestId, { status: 0, host, service });
    } catch (error) {
      session.reply("DNS_NAMEINFO", requestId, { status: statusOf(error), host: "", service: "" });
    }
  },
};
