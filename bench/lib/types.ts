// The shapes every bench case shares: what a case is given, and the rows it returns.

/** A target from issue 8 item 9, checked against a row's numbers (never asserted). */
export type Target =
  /** doppel − direct ≤ limit (latency overhead). */
  | { kind: "overhead-at-most"; limit: number }
  /** doppel / direct ≥ fraction (throughput kept). */
  | { kind: "ratio-at-least"; fraction: number }
  /** doppel / direct ≤ 1 + fraction (extra time on local work). */
  | { kind: "slowdown-at-most"; fraction: number }
  /** doppel ≤ limit (an absolute bound: latency, time, memory). */
  | { kind: "at-most"; limit: number }
  /** direct − doppel ≤ 0: every request the pod answered (direct) reached the local app (doppel). */
  | { kind: "none-lost" };

export interface Row {
  metric: string;
  unit: string;
  /** The same work without doppel; undefined where nothing compares (a process's memory). */
  direct: number | undefined;
  doppel: number;
  target?: Target;
  /** What the reader needs to know about this number (achieved rate, what "direct" means here). */
  note?: string;
}

export interface CaseContext {
  /** Shorter durations and smaller files: a smoke run of the harness, not a measurement. */
  quick: boolean;
  /** Progress for the person watching (stderr). */
  log(message: string): void;
}

export interface BenchCase {
  name: string;
  /** One line for --help and the README. */
  summary: string;
  run(context: CaseContext): Promise<Row[]>;
}
