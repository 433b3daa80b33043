// Decoder and encoder error codes (PROTOCOL.md §15). Callers and tests match on `code`, never on the text.

export const ProtocolErrorCode = {
  FRAME_TOO_SHORT: "DPL_ERR_FRAME_TOO_SHORT",
  FRAME_TOO_LARGE: "DPL_ERR_FRAME_TOO_LARGE",
  UNKNOWN_TYPE: "DPL_ERR_UNKNOWN_TYPE",
  TRUNCATED: "DPL_ERR_TRUNCATED",
  TRAILING_BYTES: "DPL_ERR_TRAILING_BYTES",
  BAD_UTF8: "DPL_ERR_BAD_UTF8",
  BAD_ADDRESS: "DPL_ERR_BAD_ADDRESS",
  BAD_BOOL: "DPL_ERR_BAD_BOOL",
  /** Encoder only: a value does not fit its field (programming error on the sending side). */
  BAD_VALUE: "DPL_ERR_BAD_VALUE",
} as const;

export type ProtocolErrorCode = (typeof ProtocolErrorCode)[keyof typeof ProtocolErrorCode];

export class ProtocolError extends Error {
  override name = "ProtocolError";
  constructor(
    readonly code: ProtocolErrorCode,
    message: string,
  ) {
    super(`${code}: ${message}`);
  }
}
