// Order statistics over latency samples.

/** The p-th percentile (nearest rank) of samples; throws on an empty list so a broken case cannot report 0. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) throw new Error(`percentile ${p} of no samples`);
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}
