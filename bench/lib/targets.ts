/**
 * The targets of issue 21, evaluated on one bench run. Each reads the
 * median of ratios taken within alternating pairs of the same group (never a
 * figure of one round against another's), and says the measured figure,
 * its range over the pairs and how many pairs gave it.
 */
import { projectedScaling } from './cpu.ts';
import type { GroupResult, RunResult } from './results.ts';
import { CEILING_CASE_ID } from './scenarios.ts';
import { formatSpread, ratiosWithinRounds, spread, type Spread } from './stats.ts';

export type Verdict = 'pass' | 'FAIL' | 'n/a';

export interface TargetOutcome {
  name: string;
  verdict: Verdict;
  /** The measured figure, e.g. `0.45× (0.36–0.80) over 3 pairs`. */
  detail: string;
  /** The median the verdict was taken on, when there is one. */
  value?: number;
}

export interface Target {
  name: string;
  /** The groups (scenario ids) whose results the target reads. */
  groups: string[];
  evaluate(groups: ReadonlyMap<string, GroupResult>): TargetOutcome;
}

const int = (n: number) => Math.round(n).toLocaleString('en-US');
const pairs = (s: Spread) => `over ${s.n} pair${s.n === 1 ? '' : 's'}`;

function summaryOf(groups: ReadonlyMap<string, GroupResult>, group: string, caseId: string) {
  return groups.get(group)?.cases.find((c) => c.caseId === caseId);
}

function missing(name: string, group: string, caseId: string, groups: ReadonlyMap<string, GroupResult>): TargetOutcome {
  const c = summaryOf(groups, group, caseId);
  const why = !groups.has(group) ? `group ${group} not run` : c?.status === 'ok' ? `no pair with ${caseId} measured` : `${caseId}: ${c?.status ?? 'not run'}${c?.note ? ` (${c.note})` : ''}`;
  return { name, verdict: 'n/a', detail: why };
}

/** `case`'s req/s ≥ `min` × `other`'s, by the median of within-pair ratios. */
function rpsAtLeast(name: string, group: string, caseId: string, other: string, min: number): Target {
  return {
    name,
    groups: [group],
    evaluate(groups) {
      const c = summaryOf(groups, group, caseId);
      const o = summaryOf(groups, group, other);
      const ratio = c?.ratios[other]?.rps;
      if (!c || !o || !ratio || !c.rps || !o.rps) return missing(name, group, c && c.status === 'ok' ? other : caseId, groups);
      const cpu = c.ratios[other]?.cpuCost;
      return {
        name,
        verdict: ratio.median >= min ? 'pass' : 'FAIL',
        value: ratio.median,
        detail: `${formatSpread(ratio)} ${pairs(ratio)} (medians ${int(c.rps.median)} vs ${int(o.rps.median)}/s; CPU per request ${formatSpread(cpu)})`,
      };
    },
  };
}

/** The worst, over the listed cases, of their p99 over the ceiling's p99 in the same pair. */
function p99AtMost(name: string, cases: { group: string; caseId: string }[], max: number): Target {
  return {
    name,
    groups: cases.map((c) => c.group),
    evaluate(groups) {
      const found = cases.map((c) => ({ ...c, ratio: summaryOf(groups, c.group, c.caseId)?.ratios[CEILING_CASE_ID]?.p99, p99: summaryOf(groups, c.group, c.caseId)?.p99Ms }));
      const measured = found.filter((f) => f.ratio !== undefined);
      if (measured.length === 0) return missing(name, cases[0]!.group, cases[0]!.caseId, groups);
      const worst = measured.reduce((a, b) => (b.ratio!.median > a.ratio!.median ? b : a));
      const rest = found.filter((f) => f !== worst).map((f) => (f.ratio ? `${f.caseId} ${formatSpread(f.ratio)}` : `${f.caseId} not measured`));
      return {
        name,
        verdict: measured.length === cases.length ? (worst.ratio!.median <= max ? 'pass' : 'FAIL') : 'n/a',
        value: worst.ratio!.median,
        detail: `worst ${worst.caseId}: ${formatSpread(worst.ratio)} ${pairs(worst.ratio!)} (its p99 ${formatSpread(worst.p99, 2, ' ms')})${rest.length ? `; ${rest.join('; ')}` : ''}`,
      };
    },
  };
}

/** `case`'s CPU per request ≤ `max` × `other`'s, by the median of within-pair ratios. */
function cpuCostAtMost(name: string, group: string, caseId: string, other: string, max: number): Target {
  return {
    name,
    groups: [group],
    evaluate(groups) {
      const c = summaryOf(groups, group, caseId);
      const cost = c?.ratios[other]?.cpuCost;
      if (!c || !cost) return missing(name, group, c && c.status === 'ok' ? other : caseId, groups);
      const o = summaryOf(groups, group, other);
      return {
        name,
        verdict: cost.median <= max ? 'pass' : 'FAIL',
        value: cost.median,
        detail: `${formatSpread(cost)} ${pairs(cost)} (medians ${c.cpuUsPerRequest ? c.cpuUsPerRequest.median.toFixed(1) : '–'} vs ${o?.cpuUsPerRequest ? o.cpuUsPerRequest.median.toFixed(1) : '–'} µs; req/s ${formatSpread(c.ratios[other]?.rps)})`,
      };
    },
  };
}

function perRound(runs: readonly RunResult[], caseId: string, pick: (r: RunResult) => number): Map<number, number> {
  return new Map(runs.filter((r) => r.caseId === caseId && r.status === 'ok').map((r) => [r.round, pick(r)]));
}

/**
 * Several instances on one database ≥ `min` × one instance, projected from
 * CPU per request round by round (instances × single ÷ shared): on a machine
 * with fewer cores than instances req/s cannot show it, CPU per request can.
 */
function projectedAtLeast(name: string, group: string, caseId: string, single: string, instances: number, min: number): Target {
  return {
    name,
    groups: [group],
    evaluate(groups) {
      const g = groups.get(group);
      const c = summaryOf(groups, group, caseId);
      if (!g || !c) return missing(name, group, caseId, groups);
      const costs = ratiosWithinRounds(perRound(g.runs, caseId, (r) => r.serverCpuUsPerRequest), perRound(g.runs, single, (r) => r.serverCpuUsPerRequest));
      const projected = spread(costs.map((cost) => projectedScaling(instances, 1, cost)));
      if (!projected) return missing(name, group, c.status === 'ok' ? single : caseId, groups);
      return {
        name,
        verdict: projected.median >= min ? 'pass' : 'FAIL',
        value: projected.median,
        detail: `projected ${formatSpread(projected)} ${pairs(projected)} (CPU per request ${formatSpread(c.ratios[single]?.cpuCost)} of one instance's; req/s measured on this machine ${formatSpread(c.ratios[single]?.rps)})`,
      };
    },
  };
}

/** The largest single Tessera process's peak RSS over every run. */
function rssBelow(maxMb: number): Target {
  const name = `RSS < ${maxMb} MB per Tessera process`;
  return {
    name,
    groups: [],
    evaluate(groups) {
      const rows = [...groups.values()].flatMap((g) => g.cases.filter((c) => c.server === 'tessera' && c.status === 'ok').map((c) => ({ group: g.id, c })));
      if (rows.length === 0) return { name, verdict: 'n/a', detail: 'no Tessera case measured' };
      const worst = rows.reduce((a, b) => (b.c.rssPeakProcessMb > a.c.rssPeakProcessMb ? b : a));
      return { name, verdict: worst.c.rssPeakProcessMb < maxMb ? 'pass' : 'FAIL', value: worst.c.rssPeakProcessMb, detail: `largest ${worst.c.rssPeakProcessMb.toFixed(0)} MB (${worst.c.caseId})` };
    },
  };
}

const jwt = (alg: string) => rpsAtLeast(`JWT ${alg} issuance ≥ 0.8× node:crypto signing ${alg} alone`, `cc-jwt-${alg.toLowerCase()}`, `cc-jwt-${alg.toLowerCase()}/tessera`, `cc-jwt-${alg.toLowerCase()}/node-crypto-sign`, 0.8);

export const TARGETS: readonly Target[] = [
  rpsAtLeast('opaque client credentials (SQLite) ≥ 0.6× the node:http ceiling', 'cc-opaque', 'cc-opaque/tessera', CEILING_CASE_ID, 0.6),
  rpsAtLeast('introspection ≥ 0.75× the node:http ceiling', 'introspect', 'introspect/tessera', CEILING_CASE_ID, 0.75),
  p99AtMost(
    "p99 ≤ 2× the ceiling's p99 (opaque issuance, introspection)",
    [
      { group: 'cc-opaque', caseId: 'cc-opaque/tessera' },
      { group: 'introspect', caseId: 'introspect/tessera' },
    ],
    2,
  ),
  jwt('ES256'),
  jwt('RS256'),
  jwt('EdDSA'),
  cpuCostAtMost("--workers 2: CPU per token ≤ 1.15× one process's", 'cc-opaque-workers', 'cc-opaque-workers/tessera', 'cc-opaque/tessera', 1.15),
  rpsAtLeast('one instance on PostgreSQL ≥ 0.5× SQLite', 'cc-opaque-pg', 'cc-opaque-pg/tessera', 'cc-opaque/tessera', 0.5),
  projectedAtLeast('two instances on one PostgreSQL ≥ 1.7× one instance (each on cores of its own)', 'cc-opaque-pg-2', 'cc-opaque-pg-2/tessera', 'cc-opaque-pg/tessera', 2, 1.7),
  rpsAtLeast('1M stored tokens ≥ 0.95× the empty store', 'cc-opaque-1m', 'cc-opaque-1m/tessera', 'cc-opaque/tessera', 0.95),
  rpsAtLeast('password grant ≥ 0.95× raw argon2id', 'password', 'password/tessera', 'password/argon2-raw', 0.95),
  rssBelow(200),
];

export function evaluateTargets(groups: ReadonlyMap<string, GroupResult>, targets: readonly Target[] = TARGETS): TargetOutcome[] {
  return targets.map((t) => t.evaluate(groups));
}
