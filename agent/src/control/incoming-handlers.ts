// IN_SUBSCRIBE / IN_UNSUBSCRIBE (PROTOCOL.md §10). A non-empty http_filter makes a steal HTTP-aware
// (incoming/steal-routes.ts) and a mirror copy only matching requests (incoming/http/mirror-filter.ts);
// concurrent_steal decides what happens when another session steals the port.
import { compileHttpFilter, HttpFilterError } from "../../../shared/protocol/http-filter.ts";
import { ErrnoError } from "../errno.ts";
import type { HandlerTable } from "./session.ts";

function filterOf(text: string) {
  if (text === "") return undefined;
  try {
    return compileHttpFilter(text);
  } catch (error) {
    if (error instanceof HttpFilterError) throw new ErrnoError("EINVAL", error.message);
    throw error;
  }
}

export const incomingHandlers: HandlerTable = {
  async IN_SUBSCRIBE(session, body, requestId) {
    if (body.mirror_percent > 100) throw new ErrnoError("EINVAL", `mirror_percent ${body.mirror_percent} is above 100`);
    const filter = filterOf(body.http_filter);
    let warning: string | undefined;
    try {
      warning = await session.services.incoming.subscribe(body.port, body.mode, session, body.mirror_percent, {
        filter,
        concurrentSteal: body.concurrent_steal,
      });
    } catch (error) {
      // The layer reports a failed subscription by its errno only; the session's log carries the reason.
      session.log("error", `incoming: port ${body.port}: ${(error as Error).message}`);
      throw error;
    }
    if (warning) session.log("warning", warning);
    session.reply("OK", requestId, {});
  },
  async IN_UNSUBSCRIBE(session, body, requestId) {
    await session.services.incoming.unsubscribe(body.port, session);
    session.reply("OK", requestId, {});
  },
};
