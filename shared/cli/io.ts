// What a command may touch: its output streams, the environment and working directory of the call, and
// styling that is on only for a terminal and never with NO_COLOR.
import { styleText } from "node:util";

export interface OutputStream {
  write(text: string): unknown;
  isTTY?: boolean;
}

export interface Io {
  stdout: OutputStream;
  stderr: OutputStream;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

/** Colours only on a terminal, never when NO_COLOR is set to anything, never for TERM=dumb. */
export function colorsEnabled(stream: OutputStream, env: NodeJS.ProcessEnv): boolean {
  const noColor = env.NO_COLOR !== undefined && env.NO_COLOR !== "";
  return stream.isTTY === true && !noColor && env.TERM !== "dumb";
}

export interface Style {
  error(text: string): string;
  warning(text: string): string;
  dim(text: string): string;
  bold(text: string): string;
}

export function styleFor(stream: OutputStream, env: NodeJS.ProcessEnv): Style {
  const on = colorsEnabled(stream, env);
  const paint = (format: Parameters<typeof styleText>[0]) => (text: string) => (on ? styleText(format, text) : text);
  return { error: paint(["bold", "red"]), warning: paint("yellow"), dim: paint("dim"), bold: paint("bold") };
}

export function processIo(): Io {
  return { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd() };
}

export function writeJson(stream: OutputStream, value: unknown): void {
  stream.write(`${JSON.stringify(value, null, 2)}\n`);
}
