// Translates Node/libuv errors into Linux errno numbers, the unit every file and socket reply carries.
import { constants } from "node:os";

const errnoByName: Readonly<Record<string, number>> = constants.errno;

/** An error that carries the errno the remote caller should see. */
export class ErrnoError extends Error {
  readonly errno: number;
  readonly code: string;

  constructor(code: string, message: string) {
    super(`${code}: ${message}`);
    this.code = code;
    this.errno = errnoByName[code] ?? errnoByName.EIO ?? 5;
  }
}

/** The errno for any thrown value: ENOENT for a Node ENOENT, EIO for anything without a known code. */
export function errnoOf(error: unknown): { errno: number; code: string } {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === "string" && code in errnoByName) return { errno: errnoByName[code] as number, code };
  return { errno: errnoByName.EIO as number, code: "EIO" };
}
