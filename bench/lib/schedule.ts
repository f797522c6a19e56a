/**
 * The order of a comparison group's runs: every member once per round, the
 * rounds one after the other (A B A B … for two members), so that each
 * ratio is taken between runs a few seconds apart and a change in the
 * machine's speed shows up as spread between rounds rather than as a bias
 * of one case against another.
 */

export interface ScheduledRun {
  /** 1-based round number; a ratio is only ever taken between runs of the same round. */
  round: number;
  caseId: string;
}

/** `pairs` rounds of `members`, in the order given (members must be unique; at least one round). */
export function alternate(members: readonly string[], pairs: number): ScheduledRun[] {
  if (!Number.isInteger(pairs) || pairs < 1) throw new RangeError(`rounds must be a positive integer, got ${pairs}`);
  if (new Set(members).size !== members.length) throw new Error(`a group lists a case twice: ${members.join(', ')}`);
  const runs: ScheduledRun[] = [];
  for (let round = 1; round <= pairs; round++) for (const caseId of members) runs.push({ round, caseId });
  return runs;
}
