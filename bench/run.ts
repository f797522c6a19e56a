/**
 * Tessera's side-by-side benchmark. For every selected case: start the
 * server in its own process, check it answers one real request correctly,
 * load it over loopback with autocannon (in a separate process), sample its
 * memory, stop it. Then print one table with every Tessera figure as a ratio
 * to the peers and to the bare node:http ceiling of the same run, evaluate
 * the targets, and write everything to results/<timestamp>.json.
 *
 *   cd bench && npm install && npm run bench -- [options]
 *
 * Options:
 *   --duration S      measured seconds per case (default 10)
 *   --warmup S        discarded warm-up seconds per case (default 3)
 *   --connections N   concurrent connections (default 32)
 *   --filter A,B      only cases whose id contains A or B (ceiling and baselines always kept)
 *   --seed-tokens N   tokens stored before the 1M case (default 1,000,000; smaller for quick checks)
 *   --cpu-prof        write a V8 CPU profile of each Tessera server to results/profiles/<timestamp>/
 *   --log-level L     Tessera's log level during load (default warn; `info` logs every request)
 *   --condition TEXT  load condition to record with the results (e.g. "quiet machine")
 *   --keep-work       keep each case's database in results/work/<timestamp>/ (deleted by default; logs are kept)
 *   --list            print the scenario table and exit
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { BENCH_DIR, NotBuilt, prepareCase, ROOT_DIR, type DriverContext } from './lib/drivers.ts';
import { profileName, profileThread, renderProfile, summariseProfile } from './lib/profile.ts';
import { cpuTimeMs, runWorker, sampleRss } from './lib/proc.ts';
import { computeRatios, PUBLISHED, renderTable, renderTargets } from './lib/report.ts';
import { emptyResult, type CaseResult } from './lib/results.ts';
import { SCENARIOS, selectCases, validateScenarios, type BenchCase } from './lib/scenarios.ts';
import { evaluateTargets } from './lib/targets.ts';
import type { LoadRequest, LoadResult } from './workers/load.ts';

const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '3' },
    connections: { type: 'string', default: '32' },
    filter: { type: 'string' },
    'seed-tokens': { type: 'string' },
    'cpu-prof': { type: 'boolean', default: false },
    'log-level': { type: 'string', default: 'warn' },
    condition: { type: 'string', default: 'unspecified' },
    'keep-work': { type: 'boolean', default: false },
    list: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

if (values.help) {
  const source = readFileSync(new URL(import.meta.url), 'utf8');
  process.stdout.write(`${/\/\*\*([\s\S]*?)\*\//.exec(source)![1]!.replace(/^ \* ?/gm, '')}\n`);
  process.exit(0);
}

const problems = validateScenarios();
if (problems.length > 0) throw new Error(`scenario table is malformed:\n${problems.join('\n')}`);

if (values.list) {
  for (const s of SCENARIOS) {
    process.stdout.write(`${s.id}: ${s.title}\n`);
    for (const c of s.cases) process.stdout.write(`  ${c.id.padEnd(30)} ${c.label}${c.needs ? `  (needs ${c.needs.join(', ')})` : ''}\n`);
  }
  process.exit(0);
}

const number = (v: string | undefined, name: string) => {
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new Error(`--${name} must be a number`);
  return n;
};
const durationS = number(values.duration, 'duration');
const warmupS = number(values.warmup, 'warmup');
const connections = number(values.connections, 'connections');
const stamp = new Date().toISOString().replace(/[:.]/g, '-');
const resultsDir = join(BENCH_DIR, 'results');
const workDir = join(resultsDir, 'work', stamp);
const profileDir = join(resultsDir, 'profiles', stamp);
mkdirSync(workDir, { recursive: true });
if (values['cpu-prof']) mkdirSync(profileDir, { recursive: true });

const ctx: DriverContext = {
  workDir,
  tesseraLogLevel: values['log-level'],
  tesseraNodeFlags: values['cpu-prof'] ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [],
  ...(values['seed-tokens'] !== undefined ? { seedTokens: number(values['seed-tokens'], 'seed-tokens') } : {}),
};

const log = (line: string) => process.stderr.write(`${line}\n`);
const mb = (bytes: number) => bytes / 1024 / 1024;

/** The case's label, saying so when --seed-tokens changed the size of its store. */
function labelOf(c: BenchCase): string {
  if (c.tessera?.seedTokens === undefined || ctx.seedTokens === undefined) return c.label;
  return `${c.label.replace(/, 1M rows/, '')} [${ctx.seedTokens.toLocaleString('en-US')} rows, --seed-tokens]`;
}

async function runHttpCase(c: BenchCase): Promise<CaseResult> {
  const base = { id: c.id, scenario: c.scenario, server: c.server, label: labelOf(c) };
  let prepared;
  try {
    prepared = await prepareCase(c, ctx);
  } catch (error) {
    if (error instanceof NotBuilt) return emptyResult(base, 'n/a', `not built yet: ${error.message}`);
    return emptyResult(base, 'error', (error as Error).message);
  }
  const profilesBefore = values['cpu-prof'] ? new Set(readdirSync(profileDir)) : new Set<string>();
  try {
    const request: LoadRequest = { url: prepared.server.url, ...prepared.load, connections, durationS, warmupS };
    const rss = sampleRss(prepared.server.pid);
    const cpuBefore = cpuTimeMs(prepared.server.pid);
    let load: LoadResult;
    try {
      load = await runWorker<LoadResult>(join(BENCH_DIR, 'workers/load.ts'), request);
    } finally {
      rss.stop();
    }
    const cpuMs = cpuTimeMs(prepared.server.pid) - cpuBefore;
    const memory = rss.stop();
    return {
      ...base,
      status: 'ok',
      rps: load.rps,
      cpuUsPerRequest: (cpuMs * 1000) / Math.max(1, load.requests + load.warmupRequests),
      p50Ms: load.p50Ms,
      p99Ms: load.p99Ms,
      errors: load.non2xx + load.socketErrors + load.timeouts,
      requests: load.requests,
      rssPeakMb: mb(memory.peakBytes),
      vmHwmMb: mb(memory.hwmBytes),
      ratios: {},
      statusCodes: load.statusCodes,
      facts: { ...prepared.facts, p90Ms: load.p90Ms, maxMs: load.maxMs, measuredS: load.durationS, socketErrors: load.socketErrors, timeouts: load.timeouts },
    };
  } catch (error) {
    return emptyResult(base, 'error', (error as Error).message);
  } finally {
    await Promise.all([prepared.server.stop(), ...prepared.companions.map((p) => p.stop())]);
    if (!values['keep-work']) {
      // A seeded database is hundreds of MB; the logs stay for diagnosis.
      for (const file of readdirSync(workDir).filter((f) => /\.db(-wal|-shm)?$/.test(f))) rmSync(join(workDir, file), { force: true });
    }
    if (values['cpu-prof']) {
      // Every thread writes its own profile (CPU.<date>.<time>.<pid>.<thread>.<seq>);
      // the main thread's (thread 0) is the one that matters and, being the
      // largest, lands last, so wait for it before summarising.
      const fresh = (): string[] => readdirSync(profileDir).filter((f) => profileThread(f) !== undefined && !profilesBefore.has(f));
      for (let waited = 0; waited < 10_000 && !fresh().some((f) => profileThread(f) === 0); waited += 100) await new Promise((r) => setTimeout(r, 100));
      for (const file of fresh()) {
        const named = profileName(c.id, file);
        execFileSync('mv', [join(profileDir, file), join(profileDir, named)]);
        if (profileThread(file) === 0) log(`\nprofile of ${c.id} (${join(profileDir, named)}):\n${renderProfile(summariseProfile(join(profileDir, named)))}\n`);
      }
    }
  }
}

async function runArgon2Case(c: BenchCase): Promise<CaseResult> {
  const base = { id: c.id, scenario: c.scenario, server: c.server, label: c.label };
  let sampler: ReturnType<typeof sampleRss> | undefined;
  try {
    const result = await runWorker<{ rps: number; p50Ms: number; p99Ms: number; count: number; threadPool: number; cpuUsPerVerify: number }>(
      join(BENCH_DIR, 'workers/argon2-raw.ts'),
      { concurrency: connections, durationS, warmupS },
      (pid) => (sampler = sampleRss(pid)),
    );
    const memory = sampler!.stop();
    return {
      ...base,
      status: 'ok',
      rps: result.rps,
      cpuUsPerRequest: result.cpuUsPerVerify,
      p50Ms: result.p50Ms,
      p99Ms: result.p99Ms,
      errors: 0,
      requests: result.count,
      rssPeakMb: mb(memory.peakBytes),
      vmHwmMb: mb(memory.hwmBytes),
      ratios: {},
      facts: { threadPool: result.threadPool, concurrency: connections },
    };
  } catch (error) {
    sampler?.stop();
    return emptyResult(base, 'error', (error as Error).message);
  }
}

function version(pkg: string, dir = BENCH_DIR): string {
  try {
    return (JSON.parse(readFileSync(join(dir, 'node_modules', pkg, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return 'missing';
  }
}

function git(args: string[]): string {
  try {
    return execFileSync('git', args, { cwd: ROOT_DIR, encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}

const cases = selectCases(values.filter);
const meta = {
  date: new Date().toISOString(),
  condition: values.condition,
  machine: {
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cores: os.availableParallelism(),
    memoryGb: Math.round(os.totalmem() / 1024 ** 3),
    kernel: `${os.type()} ${os.release()}`,
    loadAverageAtStart: os.loadavg().map((x) => Math.round(x * 100) / 100),
  },
  node: process.version,
  tessera: { commit: git(['rev-parse', '--short', 'HEAD']), dirty: git(['status', '--porcelain', '--', 'src']) !== '' },
  versions: {
    'oidc-provider': version('oidc-provider'),
    '@node-oauth/oauth2-server': version('@node-oauth/oauth2-server'),
    autocannon: version('autocannon'),
    fastify: version('fastify', ROOT_DIR),
    jose: version('jose', ROOT_DIR),
  },
  options: { durationS, warmupS, connections, filter: values.filter ?? null, seedTokens: ctx.seedTokens ?? null, logLevel: ctx.tesseraLogLevel, cpuProf: values['cpu-prof'] },
};

log(`Tessera bench ${meta.date}: ${cases.length} cases, ${durationS}s each after ${warmupS}s warm-up, ${connections} connections`);
log(`machine: ${meta.machine.cpu}, ${meta.machine.cores} cores, load average ${meta.machine.loadAverageAtStart.join(' ')}; condition: ${meta.condition}`);
if (meta.machine.loadAverageAtStart[0]! > meta.machine.cores / 2) {
  log(`warning: the machine is busy (1-minute load average ${meta.machine.loadAverageAtStart[0]}); req/s will be low and noisy, CPU per request less so`);
}

const results = new Map<string, CaseResult>();
for (const c of cases) {
  log(`→ ${c.id}`);
  const result = c.server === 'argon2-raw' ? await runArgon2Case(c) : await runHttpCase(c);
  results.set(c.id, result);
  log(
    result.status === 'ok'
      ? `  ${Math.round(result.rps)} req/s, ${Math.round(result.cpuUsPerRequest)} µs CPU/req, p50 ${result.p50Ms.toFixed(2)} ms, p99 ${result.p99Ms.toFixed(2)} ms, errors ${result.errors}, RSS ${mb(0) + result.rssPeakMb | 0} MB`
      : `  ${result.status}: ${result.note}`,
  );
}
computeRatios(results);
const targets = evaluateTargets(results);
const ordered = cases.map((c) => results.get(c.id)!);
const loadAverageAtEnd = os.loadavg().map((x) => Math.round(x * 100) / 100);

process.stdout.write(`\n${meta.date} · ${meta.machine.cpu} · ${meta.machine.cores} cores · Node ${meta.node} · ${connections} connections · ${durationS} s per case (after ${warmupS} s warm-up)\n`);
process.stdout.write(`condition: ${meta.condition} · load average ${meta.machine.loadAverageAtStart.join(' ')} at start, ${loadAverageAtEnd.join(' ')} at end\n\n`);
process.stdout.write(`${renderTable(ordered)}\n\n${renderTargets(targets)}\n\n`);
process.stdout.write(`published figures (other machines, for orientation only):\n${PUBLISHED.map((p) => `  - ${p}`).join('\n')}\n`);

const file = join(resultsDir, `${stamp}.json`);
writeFileSync(file, `${JSON.stringify({ meta: { ...meta, loadAverageAtEnd }, results: ordered, targets }, null, 2)}\n`);
process.stdout.write(`\nresults: ${file}\n`);
