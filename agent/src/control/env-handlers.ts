// ENV_GET (PROTOCOL.md §11): the target's environment, filtered; records that are not UTF-8 become a LOG warning.
import { readTargetEnvironment } from "../environment.ts";
import type { HandlerTable } from "./session.ts";

export const envHandlers: HandlerTable = {
  async ENV_GET(session, body, requestId) {
    const { vars, skipped } = await readTargetEnvironment(session.services.targetPid, {
      include: body.include,
      exclude: [...body.exclude, ...session.services.hiddenVariables],
    });
    for (const record of skipped) {
      session.log(
        "warning",
        `environment variable ${JSON.stringify(record.split("=")[0])} of the target is not valid UTF-8 and was skipped`,
      );
    }
    session.reply("ENV_VARS", requestId, { vars: [...vars].map(([key, value]) => ({ key, value })) });
  },
};
