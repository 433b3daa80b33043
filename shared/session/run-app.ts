// Runs the user's command with the session's environment and reports its exit code the way a shell would.
// Terminal signals are forwarded so Ctrl-C reaches the app; our own teardown runs after the app has exited.
import { spawn } from "node:child_process";
import { constants } from "node:os";

const forwardedSignals: readonly NodeJS.Signals[] = ["SIGINT", "SIGTERM", "SIGHUP", "SIGQUIT", "SIGUSR1", "SIGUSR2"];

export interface RunAppOptions {
  command: string;
  args: readonly string[];
  env: NodeJS.ProcessEnv;
  cwd?: string;
}

/** Resolves with the app's exit code: its own status, or 128 + signal number when a signal ended it. */
export function runApp(options: RunAppOptions): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(options.command, [...options.args], {
      env: options.env,
      cwd: options.cwd,
      stdio: "inherit",
    });
    const forward = (signal: NodeJS.Signals) => {
      child.kill(signal);
    };
    for (const signal of forwardedSignals) process.on(signal, forward);
    const stopForwarding = () => {
      for (const signal of forwardedSignals) process.off(signal, forward);
    };
    child.once("error", (error: NodeJS.ErrnoException) => {
      stopForwarding();
      reject(error);
    });
    child.once("exit", (code, signal) => {
      stopForwarding();
      resolve(code ?? 128 + (signal ? constants.signals[signal] : 0));
    });
  });
}
