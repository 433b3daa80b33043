// One fuzz batch: generated valid frames and mutations of them and of the vectors, each checked by the TS
// properties, then the whole batch compared against the C codec.
import { canonicalText } from "../canonical.ts";
import { validVectors } from "../vectors/load.ts";
import { arbitraryFrame, mutate, type Random, randomSplit } from "./arbitrary.ts";
import { checkAgainstC, checkInput, encodeGenerated, type Outcome } from "./properties.ts";

export interface BatchReport {
  cases: number;
  accepted: number;
  rejected: Record<string, number>;
  problems: string[];
}

const seeds = validVectors().map((v) => v.bytes);

export function runBatch(random: Random, size: number): BatchReport {
  const report: BatchReport = { cases: 0, accepted: 0, rejected: {}, problems: [] };
  const inputs: Uint8Array[] = [];
  const outcomes: Outcome[] = [];
  while (inputs.length < size) {
    let bytes: Uint8Array | undefined;
    let expected: string | undefined;
    const roll = random();
    if (roll < 0.35) {
      const frame = arbitraryFrame(random);
      bytes = encodeGenerated(frame);
      expected = canonicalText(frame);
    } else {
      const base = roll < 0.7 ? encodeGenerated(arbitraryFrame(random)) : seeds[Math.floor(random() * seeds.length)];
      bytes = base && mutate(random, base);
    }
    if (bytes === undefined) continue;
    const result = checkInput(bytes, randomSplit(random, bytes), expected);
    report.cases++;
    if (typeof result === "string") {
      report.problems.push(`${result}\n  input: ${Buffer.from(bytes).toString("hex").slice(0, 4000)}`);
      continue;
    }
    if (result.ok) report.accepted++;
    else report.rejected[result.error] = (report.rejected[result.error] ?? 0) + 1;
    inputs.push(bytes);
    outcomes.push(result);
  }
  report.problems.push(...checkAgainstC(inputs, outcomes));
  return report;
}
