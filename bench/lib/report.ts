/** The run's tables (Markdown, so they paste into docs/benchmarks.md) and the targets below them. */
import type { CaseSummary, GroupResult } from './results.ts';
import { CEILING_CASE_ID, FASTIFY_CEILING_CASE_ID, findCase } from './scenarios.ts';
import { formatCountSpread, formatSpread, type Spread } from './stats.ts';
import type { TargetOutcome } from './targets.ts';

const cpu = (s: Spread | undefined) => (s === undefined ? '–' : formatSpread(s, s.median >= 100 ? 0 : 1, ''));
const ms = (s: Spread | undefined) => (s === undefined ? '–' : formatSpread(s, s.median >= 100 ? 0 : s.median >= 10 ? 1 : 2, ''));

/** How another member is named in a ratio. */
export function shortName(id: string): string {
  if (id === CEILING_CASE_ID) return 'ceiling';
  if (id === FASTIFY_CEILING_CASE_ID) return 'Fastify ceiling';
  const c = findCase(id);
  if (!c) return id;
  if (c.server === 'argon2-raw') return 'raw argon2id';
  if (c.server === 'sign-raw') return `node:crypto ${c.sign!.alg}`;
  if (c.server === 'tessera') return `Tessera ${c.scenario}`;
  return c.server;
}

/** Ratios are printed for a group's own Tessera cases; a baseline's are printed in its own group. */
function ratios(c: CaseSummary, groupId: string): string {
  if (c.server !== 'tessera' || findCase(c.caseId)?.scenario !== groupId) return '';
  return Object.entries(c.ratios)
    .map(([id, r]) => `${formatSpread(r.rps)} ${shortName(id)}${r.cpuCost ? ` (CPU/req ${formatSpread(r.cpuCost)})` : ''}`)
    .join(' · ');
}

export function renderGroups(groups: readonly GroupResult[]): string {
  const header =
    '| group | case | req/s | server CPU µs/req | generator CPU µs/req | PostgreSQL CPU µs/req | p50 ms | p99 ms | errors | RSS MB (largest process) | Tessera against the others of its group, within pairs: req/s ratio (CPU per request ratio) |';
  const rule = '|---|---|--:|--:|--:|--:|--:|--:|--:|--:|---|';
  const rows: string[] = [];
  for (const g of groups) {
    for (const c of g.cases) {
      if (c.status !== 'ok') {
        rows.push(`| ${g.id} | ${c.label} | ${c.status === 'n/a' ? `n/a (${c.note ?? 'not built yet'})` : `error: ${c.note ?? ''}`} | | | | | | | | |`);
        continue;
      }
      const label = findCase(c.caseId)?.scenario === g.id || c.caseId === CEILING_CASE_ID ? c.label : `${c.label} (baseline, ${findCase(c.caseId)?.scenario})`;
      rows.push(
        `| ${g.id} | ${label} | ${formatCountSpread(c.rps)} | ${cpu(c.cpuUsPerRequest)} | ${cpu(c.generatorCpuUsPerRequest)} | ${cpu(c.databaseCpuUsPerRequest)} | ${ms(c.p50Ms)} | ${ms(c.p99Ms)} | ${c.errors.toLocaleString('en-US')} | ${Math.round(c.rssPeakMb)}${c.rssPeakProcessMb > 0 && Math.round(c.rssPeakProcessMb) !== Math.round(c.rssPeakMb) ? ` (${Math.round(c.rssPeakProcessMb)})` : ''} | ${ratios(c, g.id)} |`,
      );
    }
  }
  return [header, rule, ...rows].join('\n');
}

export function renderTargets(outcomes: readonly TargetOutcome[]): string {
  const rows = outcomes.map((o) => `| ${o.name} | ${o.verdict} | ${o.detail} |`);
  return ['| target (medians of within-pair ratios) | verdict | measured: median (range) |', '|---|---|---|', ...rows].join('\n');
}

/** Published figures, for orientation only: other machines, other load generators. */
export const PUBLISHED = [
  'Ory Hydra (its benchmark page, 2 cores): 513 client-credentials tokens/s, 5,109 introspections/s',
  "Keycloak sizing guide: budgets 120 client-credentials grants/s and 15 password logins/s per vCPU",
];
