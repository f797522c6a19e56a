/**
 * "Did you mean" for a mistyped command, action or flag: the known word
 * closest to what was typed, when it is close enough to be the likely intent.
 */

/** Edits (insert, delete, substitute, swap two neighbours) turning `a` into `b`: the optimal string alignment distance. */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, d[i - 2]![j - 2]! + 1);
      d[i]![j] = best;
    }
  }
  return d[a.length]![b.length]!;
}

/**
 * The candidate closest to `typed`, if it is within a third of the longer
 * word's length (at least one edit) or starts with what was typed; ties go
 * to the first candidate.
 */
export function closest(typed: string, candidates: readonly string[]): string | undefined {
  const word = typed.toLowerCase();
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const distance = editDistance(word, candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  if (best === undefined) return undefined;
  const allowed = Math.max(1, Math.floor(Math.max(word.length, best.length) / 3));
  if (bestDistance <= allowed) return best;
  for (const candidate of candidates) if (word.length >= 3 && candidate.toLowerCase().startsWith(word)) return candidate;
  return undefined;
}

/** ` (did you mean 'x'?)`, or nothing when no candidate is close. */
export function didYouMean(typed: string, candidates: readonly string[], format: (word: string) => string = (w) => `'${w}'`): string {
  const suggestion = closest(typed, candidates);
  return suggestion === undefined ? '' : ` (did you mean ${format(suggestion)}?)`;
}
