// "Did you mean": the candidates close to a mistyped word, for config keys and values, contexts, namespaces and
// target names alike.
import { distance } from "fastest-levenshtein";

/** Candidates within an edit distance of max(2, a third of the candidate's length), case-insensitively; the
 * closest first (ties keep the candidates' order), at most `limit`. */
export function closeMatches(word: string, candidates: Iterable<string>, limit: number): string[] {
  const lower = word.toLowerCase();
  const scored: { candidate: string; score: number }[] = [];
  for (const candidate of candidates) {
    const score = distance(lower, candidate.toLowerCase());
    if (score <= Math.max(2, Math.floor(candidate.length / 3))) scored.push({ candidate, score });
  }
  return scored
    .sort((a, b) => a.score - b.score)
    .slice(0, limit)
    .map(({ candidate }) => candidate);
}
