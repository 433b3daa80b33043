// The one bounded wait of the test bed: polls a check until it passes or the deadline passes, then fails with a
// message that says what was awaited and the last reason it was not there yet.
import { setTimeout as sleep } from "node:timers/promises";
import { TestBedError, TestBedErrorCode } from "./errors.ts";

export interface WaitOptions {
  /** What is being awaited, for the error: "pod web to accept TCP on 10.213.4.3:8080". */
  what: string;
  timeoutMs: number;
  intervalMs?: number;
}

/**
 * `check` resolves to a value when ready, or returns undefined / throws when not yet. A TestBedError thrown by
 * `check` means "will never be ready" (the process died) and ends the wait at once.
 */
export async function waitUntil<T>(check: () => Promise<T | undefined>, options: WaitOptions): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  let lastReason = "never checked";
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
      lastReason = "not yet";
    } catch (error) {
      if (error instanceof TestBedError) throw error;
      lastReason = error instanceof Error ? error.message : String(error);
    }
    if (Date.now() >= deadline) {
      throw new TestBedError(
        TestBedErrorCode.NotReady,
        `test bed: gave up waiting for ${options.what} after ${options.timeoutMs} ms (last: ${lastReason})`,
      );
    }
    await sleep(options.intervalMs ?? 10);
  }
}
