/**
 * Tessera's benchmark. For every selected scenario (a comparison group):
 * run its members — Tessera's case, its ceiling or bound, its baselines and
 * peers — one after the other, round after round (A B A B …, --pairs rounds),
 * each in fresh processes on a fresh database: start, check one real request,
 * warm up, load over loopback with wrk (or autocannon) for the measured
 * window while reading the server's CPU and memory and the generator's own
 * CPU, stop. Ratios are taken within each round; every figure is reported as
 * the median over the rounds with its range. Then the targets are evaluated
 * on those medians, and everything is written to results/<timestamp>.json
 * and results/<timestamp>.md.
 *
 *   cd bench && ./setup.sh && npm run bench -- [options]
 *
 * Options:
 *   --generator G     wrk (default) or autocannon
 *   --pairs N         rounds of each group (default 3; each ratio is taken within a round)
 *   --duration S      measured seconds per run (default 10)
 *   --warmup S        discarded warm-up seconds per run, same generator (default 3)
 *   --connections N   concurrent connections (default 32)
 *   --threads N       wrk threads (default 1; at least one per server address)
 *   --filter A,B      only the scenarios named A or B, or whose id or case ids contain A or B
 *   --skip-peers      leave out oidc-provider and @node-oauth/oauth2-server
 *   --seed-tokens N   tokens stored before the 1M case (default 1,000,000; smaller for quick checks)
 *   --postgres-url U  database the PostgreSQL cases make their schemas in
 *                     (default $TESSERA_BENCH_POSTGRES_URL, $TESSERA_TEST_POSTGRES_URL, or postgres://postgres@127.0.0.1:5432/test)
 *   --tessera-arg=A   an argument added to every Tessera `serve` (repeat for several; write it with `=` when A starts with a dash)
 *   --cpu-prof        write a V8 CPU profile of each Tessera server to results/profiles/<timestamp>/
 *   --log-level L     Tessera's log level during load (default warn; `info` logs every request)
 *   --condition TEXT  load condition to record with the results (e.g. "quiet machine")
 *   --keep-work       keep each case's database in results/work/<timestamp>/ (deleted by default; logs are kept)
  --base DIR        another checkout of Tessera (with its node_modules): each Tessera case also runs
                    from it, right after this build's in every round, so the ratio between the two
                    builds is taken within pairs (what a change costs: e.g. a worktree of main before it)
 *   --list            print the scenario table and exit
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { cpuUsPerRequest } from './lib/cpu.ts';
import { BENCH_DIR, databaseBackends, NotBuilt, postgresQuery, prepareCase, ROOT_DIR, tesseraHas, type DriverContext } from './lib/drivers.ts';
import { GENERATORS, runLoad, type GeneratorId, type LoadRequest } from './lib/generators.ts';
import { profileName, profileThread, renderProfile, summariseProfile } from './lib/profile.ts';
import { cpuTimeMs, cpuTimeOfPids, runWorker, sampleRss } from './lib/proc.ts';
import { PUBLISHED, renderGroups, renderTargets } from './lib/report.ts';
import { emptyRun, summariseGroup, type GroupResult, type RunResult } from './lib/results.ts';
import { alternate } from './lib/schedule.ts';
import { findCase, groupMembers, SCENARIOS, selectScenarios, useBaseBuild, validateScenarios, type BenchCase } from './lib/scenarios.ts';
import { evaluateTargets } from './lib/targets.ts';

const { values } = parseArgs({
  options: {
    generator: { type: 'string', default: 'wrk' },
    pairs: { type: 'string', default: '3' },
    duration: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '3' },
    connections: { type: 'string', default: '32' },
    threads: { type: 'string', default: '1' },
    filter: { type: 'string' },
    'skip-peers': { type: 'boolean', default: false },
    'seed-tokens': { type: 'string' },
    'postgres-url': { type: 'string' },
    'tessera-arg': { type: 'string', multiple: true, default: [] },
    'cpu-prof': { type: 'boolean', default: false },
    'log-level': { type: 'string', default: 'warn' },
    condition: { type: 'string', default: 'unspecified' },
    'keep-work': { type: 'boolean', default: false },
    base: { type: 'string' },
    list: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

if (values.help) {
  const source = readFileSync(new URL(import.meta.url), 'utf8');
  process.stdout.write(`${/\/\*\*([\s\S]*?)\*\//.exec(source)![1]!.replace(/^ \* ?/gm, '')}\n`);
  process.exit(0);
}

// The other build's twins join every group before anything reads the table.
const baseRoot = values.base === undefined ? undefined : resolve(values.base);
if (baseRoot !== undefined) {
  if (!existsSync(join(baseRoot, 'src/cli/main.ts')) || !existsSync(join(baseRoot, 'node_modules'))) throw new Error(`--base ${values.base}: not a Tessera checkout with its dependencies installed (src/cli/main.ts, node_modules/)`);
  useBaseBuild(baseRoot, quietly('git', ['rev-parse', '--short', 'HEAD'], baseRoot));
}

const problems = validateScenarios();
if (problems.length > 0) throw new Error(`scenario table is malformed:\n${problems.join('\n')}`);

if (values.list) {
  for (const s of SCENARIOS) {
    process.stdout.write(`${s.id}: ${s.title}\n  runs: ${groupMembers(s).join(', ')}\n`);
    for (const c of s.cases) process.stdout.write(`  ${c.id.padEnd(36)} ${c.label}${c.needs ? `  (needs ${c.needs.join(', ')})` : ''}\n`);
  }
  process.exit(0);
}

const number = (v: string | undefined, name: string, min = 0) => {
  const n = Number(v);
  if (!Number.isFinite(n) || n < min) throw new Error(`--${name} must be a number ≥ ${min}`);
  return n;
};
if (!GENERATORS.includes(values.generator as GeneratorId)) throw new Error(`--generator must be one of ${GENERATORS.join(', ')}`);
const generator = values.generator as GeneratorId;
const pairs = number(values.pairs, 'pairs', 1);
const durationS = number(values.duration, 'duration', 1);
const warmupS = number(values.warmup, 'warmup');
const connections = number(values.connections, 'connections', 1);
const threads = number(values.threads, 'threads', 1);
const postgresUrl = values['postgres-url'] ?? process.env.TESSERA_BENCH_POSTGRES_URL ?? process.env.TESSERA_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
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
  postgresUrl,
  extraServeArgs: values['tessera-arg'],
  ...(values['seed-tokens'] !== undefined ? { seedTokens: number(values['seed-tokens'], 'seed-tokens') } : {}),
};

const log = (line: string) => process.stderr.write(`${line}\n`);
const mb = (bytes: number) => bytes / 1024 / 1024;

/** The case's label, saying so when --seed-tokens changed the size of its store. */
function labelOf(c: BenchCase): string {
  if (c.tessera?.seedTokens === undefined || ctx.seedTokens === undefined) return c.label;
  return `${c.label.replace(/, 1M rows/, '')} [${ctx.seedTokens.toLocaleString('en-US')} rows, --seed-tokens]`;
}

async function runHttpCase(c: BenchCase, round: number): Promise<RunResult> {
  let prepared;
  try {
    prepared = await prepareCase(c, ctx);
  } catch (error) {
    if (error instanceof NotBuilt) return emptyRun(c.id, round, 'n/a', `not built yet: ${error.message}`);
    return emptyRun(c.id, round, 'error', (error as Error).message);
  }
  const profilesBefore = values['cpu-prof'] ? new Set(readdirSync(profileDir)) : new Set<string>();
  try {
    const request: LoadRequest = { origins: prepared.origins, ...prepared.load, connections, threads, durationS };
    if (warmupS > 0) await runLoad(generator, { ...request, durationS: warmupS }, workDir, BENCH_DIR);
    const pids = prepared.servers.map((s) => s.pid);
    // The pool has opened its connections during the warm-up; their backends are the database's share.
    const backends = prepared.databaseApplicationName !== undefined ? await databaseBackends(prepared.databaseUrl!, prepared.databaseApplicationName) : [];
    const rss = sampleRss(pids);
    const cpuBefore = cpuTimeMs(pids);
    const dbBefore = cpuTimeOfPids(backends);
    let memory;
    let load;
    try {
      load = await runLoad(generator, request, workDir, BENCH_DIR);
    } finally {
      memory = rss.stop();
    }
    const serverCpuMs = cpuTimeMs(pids) - cpuBefore;
    const dbCpuMs = cpuTimeOfPids(backends) - dbBefore;
    return {
      caseId: c.id,
      round,
      status: 'ok',
      rps: load.rps,
      requests: load.requests,
      errors: load.non2xx + load.socketErrors + load.timeouts,
      durationS: load.durationS,
      p50Ms: load.p50Ms,
      p90Ms: load.p90Ms,
      p99Ms: load.p99Ms,
      maxMs: load.maxMs,
      serverCpuMs,
      serverCpuUsPerRequest: cpuUsPerRequest(serverCpuMs, load.requests),
      generatorCpuMs: load.generatorCpuMs,
      generatorCpuUsPerRequest: cpuUsPerRequest(load.generatorCpuMs, load.requests),
      ...(backends.length > 0 ? { databaseCpuMs: dbCpuMs, databaseCpuUsPerRequest: cpuUsPerRequest(dbCpuMs, load.requests) } : {}),
      rssPeakMb: mb(memory.peakBytes),
      rssPeakProcessMb: mb(memory.peakProcessBytes),
      ...(load.statusCodes ? { statusCodes: load.statusCodes } : {}),
      facts: { ...prepared.facts, vmHwmMb: mb(memory.hwmBytes), instances: prepared.servers.length, ...(backends.length > 0 ? { databaseBackends: backends.length } : {}) },
    };
  } catch (error) {
    return emptyRun(c.id, round, 'error', (error as Error).message);
  } finally {
    await prepared.stop();
    if (!values['keep-work']) {
      // A seeded database is hundreds of MB; the logs stay for diagnosis.
      for (const file of readdirSync(workDir).filter((f) => /\.db(-wal|-shm)?$/.test(f) && !f.includes('.template.'))) rmSync(join(workDir, file), { force: true });
    }
    if (values['cpu-prof']) await collectProfiles(c, round, profilesBefore);
  }
}

async function collectProfiles(c: BenchCase, round: number, before: Set<string>): Promise<void> {
  // Every thread writes its own profile (CPU.<date>.<time>.<pid>.<thread>.<seq>);
  // the main thread's (thread 0) is the one that matters and, being the
  // largest, lands last, so wait for it before summarising.
  const fresh = (): string[] => readdirSync(profileDir).filter((f) => profileThread(f) !== undefined && !before.has(f));
  for (let waited = 0; waited < 10_000 && !fresh().some((f) => profileThread(f) === 0); waited += 100) await new Promise((r) => setTimeout(r, 100));
  for (const file of fresh()) {
    const named = profileName(`${c.id}.r${round}.${file.split('.')[3]}`, file);
    execFileSync('mv', [join(profileDir, file), join(profileDir, named)]);
    if (profileThread(file) === 0) log(`\nprofile of ${c.id}, round ${round} (${join(profileDir, named)}):\n${renderProfile(summariseProfile(join(profileDir, named)))}\n`);
  }
}

/** The non-HTTP bounds: node:crypto's argon2id or signing rate, in a forked process. */
async function runLocalCase(c: BenchCase, round: number): Promise<RunResult> {
  let sampler: ReturnType<typeof sampleRss> | undefined;
  try {
    const script = c.server === 'argon2-raw' ? 'workers/argon2-raw.ts' : 'workers/sign-raw.ts';
    const message = { concurrency: connections, durationS, warmupS, ...(c.sign ? { alg: c.sign.alg } : {}) };
    const result = await runWorker<{ rps: number; p50Ms: number; p99Ms: number; count: number; durationS: number; threadPool: number; cpuUsPerOp: number }>(join(BENCH_DIR, script), message, (pid) => (sampler = sampleRss([pid])));
    const memory = sampler!.stop();
    return {
      ...emptyRun(c.id, round, 'ok'),
      rps: result.rps,
      requests: result.count,
      durationS: result.durationS,
      p50Ms: result.p50Ms,
      p99Ms: result.p99Ms,
      serverCpuMs: (result.cpuUsPerOp * result.count) / 1000,
      serverCpuUsPerRequest: result.cpuUsPerOp,
      rssPeakMb: mb(memory.peakBytes),
      rssPeakProcessMb: mb(memory.peakProcessBytes),
      facts: { threadPool: result.threadPool, concurrency: connections },
    };
  } catch (error) {
    sampler?.stop();
    return emptyRun(c.id, round, 'error', (error as Error).message);
  }
}

function version(pkg: string, dir = BENCH_DIR): string {
  try {
    return (JSON.parse(readFileSync(join(dir, 'node_modules', pkg, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return 'missing';
  }
}

function quietly(command: string, args: string[], cwd = ROOT_DIR): string {
  try {
    return execFileSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  } catch (error) {
    // wrk -v prints its version and exits 1.
    const out = (error as { stdout?: string }).stdout?.trim();
    return out ? out : 'unknown';
  }
}

async function postgresVersion(): Promise<string> {
  try {
    return String((await postgresQuery<{ v: string }>(postgresUrl, "SELECT current_setting('server_version') AS v"))[0]!.v);
  } catch (error) {
    return `unreachable (${(error as Error).message})`;
  }
}

const scenarios = selectScenarios(values.filter);
const meta = {
  date: new Date().toISOString(),
  method: 'alternating pairs (issue 21)',
  condition: values.condition,
  machine: {
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cores: os.availableParallelism(),
    memoryGb: Math.round(os.totalmem() / 1024 ** 3),
    kernel: `${os.type()} ${os.release()}`,
    loadAverageAtStart: os.loadavg().map((x) => Math.round(x * 100) / 100),
  },
  node: process.version,
  tessera: { commit: quietly('git', ['rev-parse', '--short', 'HEAD']), dirty: quietly('git', ['status', '--porcelain', '--', 'src']) !== '' },
  ...(baseRoot !== undefined ? { base: { root: baseRoot, commit: quietly('git', ['rev-parse', '--short', 'HEAD'], baseRoot) } } : {}),
  versions: {
    wrk: quietly('wrk', ['-v']).split('\n')[0] ?? 'unknown',
    autocannon: version('autocannon'),
    'oidc-provider': version('oidc-provider'),
    '@node-oauth/oauth2-server': version('@node-oauth/oauth2-server'),
    fastify: version('fastify', ROOT_DIR),
    jose: version('jose', ROOT_DIR),
    pg: version('pg', ROOT_DIR),
    postgresql: await postgresVersion(),
  },
  options: {
    generator,
    pairs,
    durationS,
    warmupS,
    connections,
    threads,
    filter: values.filter ?? null,
    skipPeers: values['skip-peers'],
    seedTokens: ctx.seedTokens ?? null,
    logLevel: ctx.tesseraLogLevel,
    tesseraArgs: ctx.extraServeArgs,
    cpuProf: values['cpu-prof'],
  },
};

const totalRuns = scenarios.reduce((n, s) => n + groupMembers(s, { skipPeers: values['skip-peers'] }).length * pairs, 0);
log(`Tessera bench ${meta.date}: ${scenarios.length} groups, ${totalRuns} runs (${pairs} rounds), ${durationS}s each after ${warmupS}s warm-up, ${connections} connections, ${generator}`);
log(`machine: ${meta.machine.cpu}, ${meta.machine.cores} cores, load average ${meta.machine.loadAverageAtStart.join(' ')}; condition: ${meta.condition}`);
if (meta.machine.loadAverageAtStart[0]! > meta.machine.cores / 2) {
  log(`warning: the machine is busy (1-minute load average ${meta.machine.loadAverageAtStart[0]}); req/s will be low and noisy, CPU per request less so`);
}

const groups = new Map<string, GroupResult>();
const describe = (id: string) => {
  const c = findCase(id)!;
  return { label: labelOf(c), server: c.server };
};
for (const s of scenarios) {
  const members = groupMembers(s, { skipPeers: values['skip-peers'] });
  log(`\n== ${s.id}: ${members.join(' · ')}`);
  const runs: RunResult[] = [];
  // A group whose own cases all wait for a feature has nothing to compare: its baselines are not run.
  const missing = s.cases.map((c) => c.needs?.find((f) => !tesseraHas(f, c.tessera?.root)));
  if (missing.every((f) => f !== undefined)) {
    for (const [i, c] of s.cases.entries()) runs.push(emptyRun(c.id, 1, 'n/a', `not built yet: Tessera has no ${missing[i]!.replace('serve-flag:', 'serve ')} yet`));
    log(`  n/a: ${runs[0]!.note}`);
    for (const id of members.filter((m) => !s.cases.some((c) => c.id === m))) runs.push(emptyRun(id, 1, 'n/a', 'not run: nothing to compare it with'));
    groups.set(s.id, summariseGroup(s, members, runs, describe));
    continue;
  }
  for (const { round, caseId } of alternate(members, pairs)) {
    const c = findCase(caseId)!;
    const earlier = runs.find((r) => r.caseId === caseId && r.status === 'n/a');
    if (earlier) {
      runs.push({ ...earlier, round });
      continue;
    }
    const result = c.server === 'argon2-raw' || c.server === 'sign-raw' ? await runLocalCase(c, round) : await runHttpCase(c, round);
    runs.push(result);
    log(
      result.status === 'ok'
        ? `  r${round} ${caseId}: ${Math.round(result.rps)}/s, server ${result.serverCpuUsPerRequest.toFixed(1)} µs CPU/req${result.generatorCpuMs > 0 ? `, generator ${result.generatorCpuUsPerRequest.toFixed(1)}` : ''}${result.databaseCpuUsPerRequest !== undefined ? `, PostgreSQL ${result.databaseCpuUsPerRequest.toFixed(1)}` : ''}, p50 ${result.p50Ms.toFixed(2)} ms, p99 ${result.p99Ms.toFixed(2)} ms, errors ${result.errors}, RSS ${Math.round(result.rssPeakMb)} MB`
        : `  r${round} ${caseId}: ${result.status}: ${result.note}`,
    );
  }
  groups.set(s.id, summariseGroup(s, members, runs, describe));
}

const targets = evaluateTargets(groups);
const loadAverageAtEnd = os.loadavg().map((x) => Math.round(x * 100) / 100);
const heading = [
  `${meta.date} · ${meta.machine.cpu} · ${meta.machine.cores} cores · Node ${meta.node} · ${generator === 'wrk' ? meta.versions.wrk.replace(/ Copyright.*/, '') : `autocannon ${meta.versions.autocannon}`} · ${connections} connections · ${pairs} rounds of ${durationS} s per run (after ${warmupS} s warm-up)`,
  `condition: ${meta.condition} · load average ${meta.machine.loadAverageAtStart.join(' ')} at start, ${loadAverageAtEnd.join(' ')} at end · Tessera ${meta.tessera.commit}${meta.tessera.dirty ? ' (src changed)' : ''}`,
].join('\n');
const markdown = `${heading}\n\n${renderGroups([...groups.values()])}\n\n${renderTargets(targets)}\n`;
process.stdout.write(`\n${markdown}\npublished figures (other machines, for orientation only):\n${PUBLISHED.map((p) => `  - ${p}`).join('\n')}\n`);

const file = join(resultsDir, `${stamp}.json`);
writeFileSync(file, `${JSON.stringify({ meta: { ...meta, loadAverageAtEnd }, groups: [...groups.values()], targets }, null, 2)}\n`);
writeFileSync(join(resultsDir, `${stamp}.md`), markdown);
if (!values['keep-work']) for (const f of readdirSync(workDir).filter((x) => x.includes('.template.'))) rmSync(join(workDir, f), { force: true });
process.stdout.write(`\nresults: ${file} (and .md)\n`);
