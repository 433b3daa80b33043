// Makes sure no bed outlives its test process. Three nets, because a test can end in three ways:
//  - normally under node:test: one root-level `after` hook (registered when this module is first imported, i.e. at
//    the top level of the test file) destroys every bed still alive once the file's tests are done;
//  - the process exits some other way (uncaught error, process.exit): the 'exit' handler sweeps synchronously;
//  - SIGINT/SIGTERM/SIGHUP: the handler sweeps, then re-raises the signal.
// The synchronous sweep is scripts/sweep-testbed --bed NAME, the same code an operator runs by hand.
import { spawnSync } from "node:child_process";
import { after } from "node:test";
import { fileURLToPath } from "node:url";

export const sweepScript = fileURLToPath(new URL("../../scripts/sweep-testbed", import.meta.url));

export interface Destroyable {
  readonly name: string;
  destroy(): Promise<void>;
}

const live = new Set<Destroyable>();
const signals: NodeJS.Signals[] = ["SIGINT", "SIGTERM", "SIGHUP"];

// NODE_TEST_CONTEXT is set in files node:test runs; elsewhere (a demo, a bench) `after` would start a test run.
if (process.env.NODE_TEST_CONTEXT) {
  after(async () => {
    await Promise.all([...live].map((bed) => bed.destroy()));
  });
}

/** Synchronously removes everything of the bed named `name` (dpl<N>). */
export function sweepBedSync(name: string): void {
  spawnSync("bash", [sweepScript, "--quiet", "--bed", name], { stdio: "inherit" });
}

function sweepAllLive(): void {
  for (const bed of live) sweepBedSync(bed.name);
  live.clear();
}

function onSignal(signal: NodeJS.Signals): void {
  sweepAllLive();
  for (const s of signals) process.off(s, onSignal);
  process.kill(process.pid, signal);
}

let handlersInstalled = false;

export function track(bed: Destroyable): void {
  if (!handlersInstalled) {
    handlersInstalled = true;
    process.once("exit", sweepAllLive);
    for (const signal of signals) process.on(signal, onSignal);
  }
  live.add(bed);
}

export function untrack(bed: Destroyable): void {
  live.delete(bed);
}
