// Runs the system commands the test bed is built from (ip, nsenter, dnsmasq …) and turns a failure into a
// TestBedError that quotes the command line, the exit status and stderr.
import { execFile } from "node:child_process";
import { TestBedError, TestBedErrorCode } from "./errors.ts";

export interface CommandResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

export interface CommandOptions {
  /** Bytes written to the command's stdin. */
  input?: string;
  /** Kill the command (SIGKILL) after this long; default 30 s. */
  timeoutMs?: number;
  env?: NodeJS.ProcessEnv;
  /** Resolve with the exit code instead of throwing when the command exits non-zero. */
  allowFailure?: boolean;
}

const defaultTimeoutMs = 30_000;

function quoteArgv(argv: readonly string[]): string {
  return argv.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replaceAll("'", `'\\''`)}'`)).join(" ");
}

export function runCommand(argv: readonly string[], options: CommandOptions = {}): Promise<CommandResult> {
  const [file, ...args] = argv;
  if (!file) throw new TestBedError(TestBedErrorCode.BadRequest, "runCommand: empty command line");
  return new Promise((resolve, reject) => {
    const child = execFile(
      file,
      args,
      {
        encoding: "utf8",
        timeout: options.timeoutMs ?? defaultTimeoutMs,
        killSignal: "SIGKILL",
        maxBuffer: 64 * 1024 * 1024,
        env: options.env ?? process.env,
      },
      (error, stdout, stderr) => {
        if (!error) return resolve({ stdout, stderr, exitCode: 0 });
        const exitCode = typeof error.code === "number" ? error.code : -1;
        if (options.allowFailure && exitCode >= 0 && !error.killed) return resolve({ stdout, stderr, exitCode });
        const why = error.killed
          ? `was killed after ${options.timeoutMs ?? defaultTimeoutMs} ms`
          : exitCode >= 0
            ? `exited with status ${exitCode}`
            : `could not run (${error.message}); is it installed? (see scripts/install-deps)`;
        reject(
          new TestBedError(
            TestBedErrorCode.CommandFailed,
            `test bed: \`${quoteArgv(argv)}\` ${why}${stderr.trim() ? `:\n${stderr.trim()}` : ""}`,
          ),
        );
      },
    );
    // A command that exits without reading its input closes the pipe; its exit status tells what happened.
    child.stdin?.on("error", () => undefined);
    child.stdin?.end(options.input ?? "");
  });
}
