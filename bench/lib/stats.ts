/**
 * The arithmetic of alternating pairs: a case and what it is compared with
 * run one after the other, round after round (A B A B …), so each ratio is
 * taken between two runs a few seconds apart, never across the whole run.
 * Each figure is then reported as the median over the rounds with its range.
 */

/** A figure over the rounds: its median, its smallest and largest value, how many rounds gave it. */
export interface Spread {
  median: number;
  min: number;
  max: number;
  n: number;
}

/** The median of the values (the mean of the middle two for an even count); NaN for none. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Median and range of the finite values; undefined when there is none. */
export function spread(values: readonly number[]): Spread | undefined {
  const finite = values.filter((v) => Number.isFinite(v));
  if (finite.length === 0) return undefined;
  return { median: median(finite), min: Math.min(...finite), max: Math.max(...finite), n: finite.length };
}

/**
 * Ratios taken within each round: `numerator[r] / denominator[r]` for every
 * round where both were measured (a missing or zero figure drops that round,
 * it is never paired with another round's figure).
 */
export function ratiosWithinRounds(numerator: ReadonlyMap<number, number>, denominator: ReadonlyMap<number, number>): number[] {
  const ratios: number[] = [];
  for (const [round, a] of [...numerator].sort((x, y) => x[0] - y[0])) {
    const b = denominator.get(round);
    if (b === undefined || !(b > 0) || !Number.isFinite(a)) continue;
    ratios.push(a / b);
  }
  return ratios;
}

/** `1.23× (1.10–1.31)`, or `1.23×` when every round agreed; digits to taste. */
export function formatSpread(s: Spread | undefined, digits = 2, unit = '×'): string {
  if (s === undefined) return '–';
  const f = (v: number) => v.toFixed(digits);
  return s.n > 1 && f(s.min) !== f(s.max) ? `${f(s.median)}${unit} (${f(s.min)}–${f(s.max)})` : `${f(s.median)}${unit}`;
}

/** A count formatted with thousands separators, and its range when the rounds differ. */
export function formatCountSpread(s: Spread | undefined): string {
  if (s === undefined) return '–';
  const f = (v: number) => Math.round(v).toLocaleString('en-US');
  return s.n > 1 && f(s.min) !== f(s.max) ? `${f(s.median)} (${f(s.min)}–${f(s.max)})` : f(s.median);
}
