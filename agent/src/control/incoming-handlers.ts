// IN_SUBSCRIBE / IN_UNSUBSCRIBE (PROTOCOL.md §10). HTTP filtering belongs to a later protocol change.
import { ErrnoError } from "../errno.ts";
import type { HandlerTable } from "./session.ts";

export const incomingHandlers: HandlerTable = {
  async IN_SUBSCRIBE(session, body, requestId) {
    if (body.http_filter !== "") {
      throw new ErrnoError(
        "EOPNOTSUPP",
        `this agent steals whole ports only; HTTP filter ${body.http_filter} is not supported`,
      );
    }
    if (body.mirror_percent > 100) throw new ErrnoError("EINVAL", `mirror_percent ${body.mirror_percent} is above 100`);
    await session.services.incoming.subscribe(body.port, body.mode, session, body.mirror_percent);
    session.reply("OK", requestId, {});
  },
  async IN_UNSUBSCRIBE(session, body, requestId) {
    await session.services.incoming.unsubscribe(body.port, session);
    session.reply("OK", requestId, {});
  },
};
