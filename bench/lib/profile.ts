/**
 * Summarises a V8 .cpuprofile (from `node --cpu-prof`): self time per
 * function and per package, the view that says what a hot path spends on.
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileSummary {
  totalMs: number;
  idleMs: number;
  functions: { name: string; where: string; selfMs: number; pct: number }[];
  packages: { name: string; selfMs: number; pct: number }[];
}

function where(url: string): string {
  if (url === '') return '(native)';
  const nm = url.lastIndexOf('node_modules/');
  if (nm !== -1) return url.slice(nm + 'node_modules/'.length);
  const src = url.indexOf('/src/');
  if (src !== -1) return url.slice(src + 1);
  if (url.startsWith('node:')) return url;
  return url.replace(/^file:\/\//, '');
}

function packageOf(url: string): string {
  if (url === '') return '(native/V8)';
  if (url.startsWith('node:')) return 'node core';
  const nm = url.lastIndexOf('node_modules/');
  if (nm !== -1) {
    const rest = url.slice(nm + 'node_modules/'.length).split('/');
    return rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  const src = url.indexOf('/src/');
  if (src !== -1) return `tessera ${url.slice(src + 1).split('/').slice(0, 2).join('/')}`;
  return url;
}

export function summariseProfile(path: string, top = 25): ProfileSummary {
  const profile = JSON.parse(readFileSync(path, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i]!;
    self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  }
  const fn = new Map<string, { name: string; where: string; us: number }>();
  const pkg = new Map<string, number>();
  let total = 0;
  let idle = 0;
  for (const [id, us] of self) {
    const node = byId.get(id)!;
    const { functionName, url, lineNumber } = node.callFrame;
    total += us;
    if (functionName === '(idle)') idle += us;
    const name = functionName || '(anonymous)';
    const key = `${name}@${url}:${lineNumber}`;
    const entry = fn.get(key) ?? { name, where: `${where(url)}:${lineNumber + 1}`, us: 0 };
    entry.us += us;
    fn.set(key, entry);
    const p = functionName.startsWith('(') ? functionName : packageOf(url);
    pkg.set(p, (pkg.get(p) ?? 0) + us);
  }
  const busy = total - idle;
  const pct = (us: number) => (busy > 0 ? (100 * us) / busy : 0);
  return {
    totalMs: total / 1000,
    idleMs: idle / 1000,
    functions: [...fn.values()]
      .filter((f) => f.name !== '(idle)')
      .sort((a, b) => b.us - a.us)
      .slice(0, top)
      .map((f) => ({ name: f.name, where: f.where, selfMs: f.us / 1000, pct: pct(f.us) })),
    packages: [...pkg.entries()]
      .filter(([name]) => name !== '(idle)')
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, us]) => ({ name, selfMs: us / 1000, pct: pct(us) })),
  };
}

export function renderProfile(summary: ProfileSummary, top = 15): string {
  const lines = [`busy ${(summary.totalMs - summary.idleMs).toFixed(0)} ms of ${summary.totalMs.toFixed(0)} ms sampled (percentages of busy time)`, '', 'by package:'];
  for (const p of summary.packages.slice(0, top)) lines.push(`  ${p.pct.toFixed(1).padStart(5)}%  ${p.name}`);
  lines.push('', 'by function (self time):');
  for (const f of summary.functions.slice(0, top)) lines.push(`  ${f.pct.toFixed(1).padStart(5)}%  ${f.name}  ${f.where}`);
  return lines.join('\n');
}

if (import.meta.main) {
  const [path, top] = process.argv.slice(2);
  if (!path) {
    process.stderr.write('usage: node lib/profile.ts <file.cpuprofile> [top]\n');
    process.exit(2);
  }
  process.stdout.write(`${renderProfile(summariseProfile(path, Number(top ?? 25)), Number(top ?? 25))}\n`);
}

const NODE_PROFILE_NAME = /^CPU\.\d{8}\.\d{6}\.\d+\.(\d+)\.\d+\.cpuprofile$/;

/**
 * The thread a profile written by `node --cpu-prof` belongs to (Node names
 * it CPU.<date>.<time>.<pid>.<threadId>.<seq>.cpuprofile; 0 is the main
 * thread, workers count up), or undefined for any other file.
 */
export function profileThread(file: string): number | undefined {
  const match = NODE_PROFILE_NAME.exec(file);
  return match ? Number(match[1]) : undefined;
}

/** The name a case's profile is kept under: the main thread's plainly, a worker's with its thread id. */
export function profileName(caseId: string, file: string): string {
  const base = caseId.replace(/\//g, '__');
  const thread = profileThread(file);
  return thread === 0 ? `${base}.cpuprofile` : `${base}.thread-${thread}.cpuprofile`;
}
