// Targets of issue 8 item 9: how each reads in the table and whether a row meets it.
import type { BenchCase, Row, Target } from "./types.ts";

export function describeTarget(target: Target, unit: string): string {
  switch (target.kind) {
    case "overhead-at-most":
      return `+≤${target.limit} ${unit}`;
    case "ratio-at-least":
      return `≥${Math.round(target.fraction * 100)} % of direct`;
    case "slowdown-at-most":
      return `≤+${Math.round(target.fraction * 100)} %`;
    case "at-most":
      return `≤${target.limit} ${unit}`;
    case "none-lost":
      return "0 lost";
  }
}

/** undefined when the row has no target or lacks the direct number its target compares with. */
export function meetsTarget(row: Row): boolean | undefined {
  const { target, direct, doppel } = row;
  if (!target) return undefined;
  if (target.kind === "at-most") return doppel <= target.limit;
  if (direct === undefined) return undefined;
  switch (target.kind) {
    case "overhead-at-most":
      return doppel - direct <= target.limit;
    case "ratio-at-least":
      return doppel / direct >= target.fraction;
    case "slowdown-at-most":
      return doppel / direct <= 1 + target.fraction;
    case "none-lost":
      return direct - doppel <= 0;
  }
}

/** The stolen/filtered request targets: overhead p50 ≤ 150 µs, p99 ≤ 1 ms. */
export const latencyOverheadP50: Target = { kind: "overhead-at-most", limit: 150 };
export const latencyOverheadP99: Target = { kind: "overhead-at-most", limit: 1000 };
export const halfOfDirect: Target = { kind: "ratio-at-least", fraction: 0.5 };
export const localSlowdown: Target = { kind: "slowdown-at-most", fraction: 0.03 };
export const rssLimitMb: Target = { kind: "at-most", limit: 80 };

/** A case whose rows get targets from `targetOf` where they have none of their own. */
export function withTargets(benchCase: BenchCase, targetOf: (row: Row) => Target | undefined): BenchCase {
  return {
    ...benchCase,
    run: async (context) =>
      (await benchCase.run(context)).map((row) => {
        const target = row.target ?? targetOf(row);
        return target ? { ...row, target } : row;
      }),
  };
}

/** A filtered request is a stolen request: issue 3 sets no targets of its own, so issue 8's apply. */
export function stolenRequestTarget(row: Row): Target | undefined {
  if (row.unit === "MB/s") return halfOfDirect;
  if (/latency p50$/.test(row.metric)) return latencyOverheadP50;
  if (/latency p99$/.test(row.metric)) return latencyOverheadP99;
  return undefined;
}
