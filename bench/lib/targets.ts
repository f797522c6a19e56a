/**
 * The targets of issue 7, evaluated on one run's results. Each target reads
 * only figures measured in the same run on the same machine.
 */
import type { CaseResult } from './results.ts';
import { findCase } from './scenarios.ts';

export type Verdict = 'pass' | 'FAIL' | 'n/a';

export interface TargetOutcome {
  name: string;
  verdict: Verdict;
  /** The measured figure, e.g. `3.4× (12,000 vs 3,500 req/s)`. */
  detail: string;
}

export interface Target {
  name: string;
  /** The case ids whose results the target reads. */
  caseIds: string[];
  evaluate(results: Map<string, CaseResult>): TargetOutcome;
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

function measured(results: Map<string, CaseResult>, id: string): CaseResult | undefined {
  const r = results.get(id);
  return r?.status === 'ok' ? r : undefined;
}

function ratioAtLeast(name: string, id: string, baselineId: string, min: number): Target {
  return {
    name,
    caseIds: [id, baselineId],
    evaluate(results) {
      const a = measured(results, id);
      const b = measured(results, baselineId);
      if (!a || !b) return { name, verdict: 'n/a', detail: `${a ? baselineId : id} not measured in this run` };
      const ratio = a.rps / b.rps;
      const cpu = a.cpuUsPerRequest > 0 && b.cpuUsPerRequest > 0 ? `; by CPU per request ${(b.cpuUsPerRequest / a.cpuUsPerRequest).toFixed(2)}×` : '';
      return {
        name,
        verdict: ratio >= min ? 'pass' : 'FAIL',
        detail: `${ratio.toFixed(2)}× (${fmt(a.rps)} vs ${fmt(b.rps)} req/s; target ≥ ${min}×${cpu})`,
      };
    },
  };
}

function p99Below(ids: string[], maxMs: number): Target {
  const name = `p99 < ${maxMs} ms at the run's connection count (client credentials, introspection)`;
  return {
    name,
    caseIds: ids,
    evaluate(results) {
      const rows = ids.map((id) => measured(results, id)).filter((r): r is CaseResult => r !== undefined);
      if (rows.length === 0) return { name, verdict: 'n/a', detail: 'no Tessera client-credentials case measured' };
      const worst = rows.reduce((a, b) => (b.p99Ms > a.p99Ms ? b : a));
      const missing = ids.filter((id) => !measured(results, id));
      return {
        name,
        verdict: worst.p99Ms < maxMs ? 'pass' : 'FAIL',
        detail: `worst ${worst.p99Ms.toFixed(2)} ms (${worst.id})${missing.length ? `; not measured: ${missing.join(', ')}` : ''}`,
      };
    },
  };
}

function rssBelow(maxMb: number): Target {
  const name = `Tessera RSS under load < ${maxMb} MB`;
  return {
    name,
    caseIds: [],
    evaluate(results) {
      // The targets are per process: a multi-process case (its RSS summed over its workers) is reported apart.
      const rows = [...results.values()].filter((r) => r.server === 'tessera' && r.status === 'ok' && findCase(r.id)?.tessera?.workers === undefined);
      if (rows.length === 0) return { name, verdict: 'n/a', detail: 'no Tessera case measured' };
      const worst = rows.reduce((a, b) => (b.rssPeakMb > a.rssPeakMb ? b : a));
      return { name, verdict: worst.rssPeakMb < maxMb ? 'pass' : 'FAIL', detail: `worst ${worst.rssPeakMb.toFixed(0)} MB (${worst.id})` };
    },
  };
}

export const TARGETS: readonly Target[] = [
  ratioAtLeast('opaque issuance ≥ 3× oidc-provider (opaque)', 'cc-opaque/tessera', 'cc-opaque/oidc-provider', 3),
  ratioAtLeast('opaque issuance ≥ 50% of the node:http ceiling', 'cc-opaque/tessera', 'ceiling/node-http', 0.5),
  ratioAtLeast('JWT ES256 issuance ≥ 3× oidc-provider (JWT ES256)', 'cc-jwt-es256/tessera', 'cc-jwt-es256/oidc-provider', 3),
  ratioAtLeast('introspection ≥ 4× oidc-provider', 'introspect/tessera', 'introspect/oidc-provider', 4),
  p99Below(['cc-opaque/tessera', 'cc-jwt-es256/tessera', 'cc-jwt-rs256/tessera', 'introspect/tessera'], 5),
  ratioAtLeast('issuance with 1M stored tokens ≥ 90% of the empty store', 'cc-opaque-1m/tessera', 'cc-opaque/tessera', 0.9),
  ratioAtLeast('password grant ≥ 90% of the raw argon2id verify rate', 'password/tessera', 'password/argon2-raw', 0.9),
  rssBelow(200),
];

export function evaluateTargets(results: Map<string, CaseResult>): TargetOutcome[] {
  return TARGETS.map((t) => t.evaluate(results));
}
