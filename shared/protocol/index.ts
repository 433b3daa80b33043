// The wire protocol's public surface (PROTOCOL.md): message table, frame codec, streaming decoder, errors.
export { canonicalText, fromCanonical, toCanonical } from "./canonical.ts";
export { decodeFrame, encodeFrame } from "./codec.ts";
export { FrameDecoder, type FrameDecoderOptions } from "./decoder.ts";
export { ProtocolError, ProtocolErrorCode } from "./errors.ts";
export {
  type Address,
  type Body,
  type Frame,
  HEADER_SIZE,
  MAX_DATA,
  MAX_PAYLOAD,
  MessageCode,
  type MessageName,
  PROTOCOL_VERSION,
} from "./messages.ts";
