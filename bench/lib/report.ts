/** The run's one table (Markdown, so it pastes into docs/benchmarks.md) and the targets below it. */
import type { CaseResult } from './results.ts';
import { comparisonsFor, findCase } from './scenarios.ts';
import type { TargetOutcome } from './targets.ts';

const int = (n: number) => Math.round(n).toLocaleString('en-US');
const ms = (n: number) => (n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n.toFixed(2));

function shortName(id: string): string {
  if (id === 'ceiling/node-http') return 'ceiling';
  if (id === 'ceiling/fastify') return 'Fastify ceiling';
  const c = findCase(id);
  if (!c) return id;
  if (c.server === 'argon2-raw') return 'raw argon2';
  if (c.server === 'tessera') return `Tessera ${c.scenario}`;
  return c.server;
}

/** Fills each Tessera result's ratios from the other results of the same run. */
export function computeRatios(results: Map<string, CaseResult>): void {
  for (const r of results.values()) {
    const c = findCase(r.id);
    if (!c || r.status !== 'ok') continue;
    for (const other of comparisonsFor(c)) {
      const o = results.get(other);
      if (o?.status === 'ok' && o.rps > 0) r.ratios[other] = r.rps / o.rps;
      if (o?.status === 'ok' && o.cpuUsPerRequest > 0 && r.cpuUsPerRequest > 0) (r.cpuRatios ??= {})[other] = o.cpuUsPerRequest / r.cpuUsPerRequest;
    }
  }
}

export function renderTable(results: CaseResult[]): string {
  const header = '| scenario | server | req/s | server CPU µs/req | p50 ms | p99 ms | errors | RSS MB | Tessera vs others, same run: req/s ratio (CPU-per-request ratio) |';
  const rule = '|---|---|--:|--:|--:|--:|--:|--:|---|';
  const rows = results.map((r) => {
    if (r.status !== 'ok') {
      const note = r.status === 'n/a' ? `n/a (${r.note ?? 'not built yet'})` : `error: ${r.note ?? ''}`;
      return `| ${r.scenario} | ${r.label} | ${note} | | | | | | |`;
    }
    const ratios = Object.entries(r.ratios)
      .map(([id, v]) => `${v.toFixed(2)}× ${shortName(id)}${r.cpuRatios?.[id] ? ` (CPU ${r.cpuRatios[id].toFixed(2)}×)` : ''}`)
      .join(' · ');
    return `| ${r.scenario} | ${r.label} | ${int(r.rps)} | ${r.cpuUsPerRequest > 0 ? int(r.cpuUsPerRequest) : '–'} | ${ms(r.p50Ms)} | ${ms(r.p99Ms)} | ${int(r.errors)} | ${int(r.rssPeakMb)} | ${ratios} |`;
  });
  return [header, rule, ...rows].join('\n');
}

export function renderTargets(outcomes: TargetOutcome[]): string {
  const rows = outcomes.map((o) => `| ${o.name} | ${o.verdict} | ${o.detail} |`);
  return ['| target | verdict | measured |', '|---|---|---|', ...rows].join('\n');
}

/** Published figures, for orientation only: other machines, other load generators. */
export const PUBLISHED = [
  'Ory Hydra (its benchmark page, 2 cores): 513 client-credentials tokens/s, 5,109 introspections/s',
  "Keycloak sizing guide: budgets 120 client-credentials grants/s and 15 password logins/s per vCPU",
];
