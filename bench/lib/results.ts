/**
 * The shape of what a run measures, as printed and as written to
 * results/<timestamp>.json: one RunResult per run of a case in a round, and
 * per group a CaseSummary per member with each figure's median and range over
 * the rounds and each ratio taken within the rounds.
 */
import { ratiosWithinRounds, spread, type Spread } from './stats.ts';
import type { ServerId } from './scenarios.ts';

export type RunStatus = 'ok' | 'n/a' | 'error';

/** One run of one case in one round. */
export interface RunResult {
  caseId: string;
  round: number;
  status: RunStatus;
  /** Why a run is n/a or failed. */
  note?: string;
  /** Successful responses (or, for the non-HTTP bounds, operations) per second over the measured window. */
  rps: number;
  /** Every response in the measured window. */
  requests: number;
  /** Responses counted as errors (status ≥ 400 or non-2xx, socket errors, timeouts). */
  errors: number;
  durationS: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
  /** CPU time (user + system) of the server's processes, all threads, over the measured window only (ms). */
  serverCpuMs: number;
  serverCpuUsPerRequest: number;
  /** The load generator's own CPU in the same window (ms; 0 for the non-HTTP bounds, which have none). */
  generatorCpuMs: number;
  generatorCpuUsPerRequest: number;
  /** PostgreSQL backends serving this case's connections (PostgreSQL cases only). */
  databaseCpuMs?: number;
  databaseCpuUsPerRequest?: number;
  /** Peak resident set of all the case's processes together, sampled under load (MB). */
  rssPeakMb: number;
  /** Peak resident set of its largest single process (MB): what the per-process target reads. */
  rssPeakProcessMb: number;
  statusCodes?: Record<string, number>;
  facts?: Record<string, unknown>;
}

export interface CaseRatio {
  /** This case's req/s over the other's, round by round. */
  rps?: Spread;
  /** This case's CPU per request over the other's (below 1: this case is cheaper per request). */
  cpuCost?: Spread;
  /** This case's p99 over the other's. */
  p99?: Spread;
}

/** One member of a group over all its rounds. */
export interface CaseSummary {
  caseId: string;
  label: string;
  server: ServerId;
  /** `ok` when at least one round measured it. */
  status: RunStatus;
  note?: string;
  roundsOk: number;
  rps?: Spread;
  cpuUsPerRequest?: Spread;
  p50Ms?: Spread;
  p99Ms?: Spread;
  generatorCpuUsPerRequest?: Spread;
  databaseCpuUsPerRequest?: Spread;
  rssPeakMb: number;
  rssPeakProcessMb: number;
  errors: number;
  /** Other member's case id → ratios taken within the rounds. */
  ratios: Record<string, CaseRatio>;
}

export interface GroupResult {
  id: string;
  title: string;
  members: string[];
  cases: CaseSummary[];
  runs: RunResult[];
}

export function emptyRun(caseId: string, round: number, status: RunStatus, note?: string): RunResult {
  return {
    caseId,
    round,
    status,
    ...(note ? { note } : {}),
    rps: 0,
    requests: 0,
    errors: 0,
    durationS: 0,
    p50Ms: 0,
    p90Ms: 0,
    p99Ms: 0,
    maxMs: 0,
    serverCpuMs: 0,
    serverCpuUsPerRequest: Number.NaN,
    generatorCpuMs: 0,
    generatorCpuUsPerRequest: Number.NaN,
    rssPeakMb: 0,
    rssPeakProcessMb: 0,
  };
}

function byRound(runs: readonly RunResult[], pick: (r: RunResult) => number | undefined): Map<number, number> {
  const m = new Map<number, number>();
  for (const r of runs) {
    const v = pick(r);
    if (r.status === 'ok' && v !== undefined && Number.isFinite(v)) m.set(r.round, v);
  }
  return m;
}

/**
 * Summarises a group's runs: each member's figures over its rounds, and for
 * each pair of members the ratios taken within each round (never one
 * round's figure against another's).
 */
export function summariseGroup(group: { id: string; title: string }, members: readonly string[], runs: readonly RunResult[], describe: (caseId: string) => { label: string; server: ServerId }): GroupResult {
  const cases = members.map((caseId): CaseSummary => {
    const mine = runs.filter((r) => r.caseId === caseId);
    const ok = mine.filter((r) => r.status === 'ok');
    const { label, server } = describe(caseId);
    const failed = mine.find((r) => r.status !== 'ok');
    const status = ok.length > 0 ? 'ok' : (failed?.status ?? 'n/a');
    const of = (pick: (r: RunResult) => number | undefined) => spread(ok.map(pick).filter((v): v is number => v !== undefined));
    const ratios: Record<string, CaseRatio> = {};
    for (const other of members) {
      if (other === caseId) continue;
      const theirs = runs.filter((r) => r.caseId === other);
      const ratio = (pick: (r: RunResult) => number | undefined) => spread(ratiosWithinRounds(byRound(mine, pick), byRound(theirs, pick)));
      const entry: CaseRatio = {};
      const rps = ratio((r) => r.rps);
      const cpuCost = ratio((r) => r.serverCpuUsPerRequest);
      const p99 = ratio((r) => r.p99Ms);
      if (rps) entry.rps = rps;
      if (cpuCost) entry.cpuCost = cpuCost;
      if (p99) entry.p99 = p99;
      if (rps || cpuCost || p99) ratios[other] = entry;
    }
    const summary: CaseSummary = {
      caseId,
      label,
      server,
      status,
      ...(status !== 'ok' && failed?.note ? { note: failed.note } : {}),
      roundsOk: ok.length,
      rssPeakMb: Math.max(0, ...ok.map((r) => r.rssPeakMb)),
      rssPeakProcessMb: Math.max(0, ...ok.map((r) => r.rssPeakProcessMb)),
      errors: ok.reduce((a, r) => a + r.errors, 0),
      ratios,
    };
    const fields = {
      rps: of((r) => r.rps),
      cpuUsPerRequest: of((r) => r.serverCpuUsPerRequest),
      p50Ms: of((r) => r.p50Ms),
      p99Ms: of((r) => r.p99Ms),
      generatorCpuUsPerRequest: of((r) => (r.generatorCpuMs > 0 ? r.generatorCpuUsPerRequest : undefined)),
      databaseCpuUsPerRequest: of((r) => r.databaseCpuUsPerRequest),
    };
    for (const [k, v] of Object.entries(fields)) if (v) (summary as unknown as Record<string, Spread>)[k] = v;
    return summary;
  });
  return { id: group.id, title: group.title, members: [...members], cases, runs: [...runs] };
}
