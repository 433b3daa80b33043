// How a command that runs a session (`exec`, `port-forward`) shows it on stderr: warnings and errors always,
// progress and info lines only on a terminal, debug lines with DOPPEL_LAYER_LOG=debug.
import { LogLevel, type LogSink } from "../session/session-proxy.ts";
import { type Io, styleFor } from "./io.ts";

export interface SessionOutput {
  progress(text: string): void;
  log: LogSink;
}

export function sessionOutput(io: Io): SessionOutput {
  const style = styleFor(io.stderr, io.env);
  const onTerminal = io.stderr.isTTY === true;
  const verbose = io.env.DOPPEL_LAYER_LOG === "debug";
  return {
    progress: (text) => {
      if (onTerminal) io.stderr.write(`${style.dim(`doppel: ${text}`)}\n`);
    },
    log: (level, text) => {
      if (level <= LogLevel.warning) {
        const label = level === LogLevel.error ? style.error("doppel error:") : style.warning("doppel warning:");
        io.stderr.write(`${label} ${text}\n`);
      } else if ((level === LogLevel.info && onTerminal) || verbose) {
        io.stderr.write(`${style.dim(`doppel: ${text}`)}\n`);
      }
    },
  };
}
