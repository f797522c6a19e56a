/**
 * A/B of what metrics cost on the hot path: opaque client-credentials
 * tokens from `tessera serve` without a management listener (no metrics
 * collected) and with one (`--metrics-port 0`: the metrics hook, store
 * timing, gauges). Request ids, the request log and activity counting are
 * on in both, as they always are.
 *
 * Rounds alternate the order of the two variants (AB, BA, AB, …) so a drift
 * in the machine's load falls on both. Each run starts a fresh server, warms
 * it up, then measures for a fixed window: tokens per second answered, and
 * the server's CPU time per token (from /proc, which other processes' load
 * disturbs far less than throughput). The server and the load generator are
 * pinned to different cores when `taskset` exists.
 *
 * `--base DIR` adds a third variant: the same load on another checkout of
 * Tessera (say, main before this work), each variant on a database its own
 * build created.
 *
 *   node bench/observability-ab.ts [--rounds 6] [--seconds 8] [--warmup 3] [--connections 32] [--base DIR]
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const MAIN = fileURLToPath(new URL('../src/cli/main.ts', import.meta.url));
const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '6' },
    seconds: { type: 'string', default: '8' },
    warmup: { type: 'string', default: '3' },
    connections: { type: 'string', default: '32' },
    load: { type: 'string' },
    base: { type: 'string' },
  },
});

/** The load generator's own process: `--load url,secret,connections,warmupMs,measureMs` prints `{ tokens }` measured. */
if (values.load !== undefined) {
  const [url, secret, connections, warmupMs, measureMs] = values.load.split(',');
  const agent = new Agent({ keepAlive: true, maxSockets: Number(connections) });
  const target = new URL('/oauth/token', url);
  const body = 'grant_type=client_credentials';
  const headers = { 'content-type': 'application/x-www-form-urlencoded', 'content-length': String(body.length), authorization: `Basic ${Buffer.from(`svc:${secret}`).toString('base64')}` };
  // Reported to the harness over IPC, or printed when run by hand.
  const report = (message: object) => (process.send ? process.send(message) : console.log(JSON.stringify(message)));
  let counting = false;
  let tokens = 0;
  let failures = 0;
  let running = true;
  const one = () =>
    new Promise<void>((resolve) => {
      const req = request(target, { method: 'POST', headers, agent }, (res) => {
        res.resume();
        res.on('end', () => {
          if (counting) {
            if (res.statusCode === 200) tokens++;
            else failures++;
          }
          resolve();
        });
      });
      req.on('error', () => resolve());
      req.end(body);
    });
  const loops = Array.from({ length: Number(connections) }, async () => {
    while (running) await one();
  });
  setTimeout(() => {
    counting = true;
    report({ phase: 'measuring' });
    setTimeout(() => {
      counting = false;
      running = false;
      report({ phase: 'done', tokens, failures });
    }, Number(measureMs));
  }, Number(warmupMs));
  await Promise.all(loops);
  agent.destroy();
  process.exit(0);
}

const rounds = Number(values.rounds);
const seconds = Number(values.seconds);
const warmup = Number(values.warmup);
const connections = Number(values.connections);
const pin = existsSync('/usr/bin/taskset');

type Variant = 'off' | 'on' | 'base';
const mainOf = (variant: Variant) => (variant === 'base' ? join(values.base!, 'src/cli/main.ts') : MAIN);

function cli(args: string[], main = MAIN): string {
  const run = spawnSync(process.execPath, [main, ...args], { encoding: 'utf8', env: { ...process.env, TESSERA_LOG_LEVEL: 'warn' } });
  if (run.status !== 0) throw new Error(run.stderr);
  return run.stdout;
}

/** utime + stime of a process, in microseconds (/proc/<pid>/stat, clock ticks of 10 ms). */
function cpuMicros(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10_000;
}

function startServer(db: string, variant: Variant): Promise<{ child: ChildProcess; url: string }> {
  const args = [mainOf(variant), 'serve', '--port', '0', '--db', db, ...(variant === 'on' ? ['--metrics-port', '0'] : [])];
  const child = pin ? spawn('taskset', ['-c', '0', process.execPath, ...args], { stdio: ['ignore', 'pipe', 'inherit'] }) : spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let buffered = '';
    const onData = (chunk: Buffer) => {
      buffered += chunk.toString();
      const match = /"url":"([^"]+)"[^\n]*"msg":"listening"/.exec(buffered);
      if (match) {
        // Keep reading (and discarding) the request log, as a log shipper would.
        child.stdout!.off('data', onData);
        child.stdout!.resume();
        resolve({ child, url: match[1]! });
      }
    };
    child.stdout!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`server exited ${code}`)));
  });
}

/** The pid of the server itself (under taskset, the exec'd node; the server re-executes itself in place, same pid). */
function serverPid(child: ChildProcess): number {
  return child.pid!;
}

async function measure(db: string, secret: string, variant: Variant): Promise<{ rps: number; cpuPerTokenUs: number }> {
  const { child, url } = await startServer(db, variant);
  try {
    const pid = serverPid(child);
    const loadArgs = [fileURLToPath(import.meta.url), '--load', [url, secret, connections, warmup * 1000, seconds * 1000].join(',')];
    const load = pin
      ? spawn('taskset', ['-c', '1', process.execPath, ...loadArgs], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
      : spawn(process.execPath, loadArgs, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    let cpuStart = 0;
    let started = 0;
    const result = await new Promise<{ tokens: number; failures: number; elapsedMs: number; cpu: number }>((resolve, reject) => {
      load.on('message', (m: { phase: string; tokens?: number; failures?: number }) => {
        if (m.phase === 'measuring') {
          cpuStart = cpuMicros(pid);
          started = performance.now();
        } else if (m.phase === 'done') {
          resolve({ tokens: m.tokens!, failures: m.failures!, elapsedMs: performance.now() - started, cpu: cpuMicros(pid) - cpuStart });
        }
      });
      load.once('exit', (code) => code !== 0 && reject(new Error(`load generator exited ${code}`)));
    });
    if (result.failures > 0) throw new Error(`${result.failures} requests failed`);
    return { rps: result.tokens / (result.elapsedMs / 1000), cpuPerTokenUs: result.cpu / result.tokens };
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
  }
}

const dir = mkdtempSync(join(tmpdir(), 'tessera-ab-'));
try {
  const variants: Variant[] = values.base === undefined ? ['off', 'on'] : ['off', 'on', 'base'];
  const setups = new Map<Variant, { db: string; secret: string }>();
  for (const variant of variants) {
    const db = join(dir, `${variant}.db`);
    cli(['init', '--db', db], mainOf(variant));
    const created = JSON.parse(cli(['clients', 'create', 'svc', '--db', db, '--grants', 'client_credentials', '--format', 'opaque'], mainOf(variant))) as { clientSecret: string };
    setups.set(variant, { db, secret: created.clientSecret });
  }
  const runs: { round: number; variant: Variant; rps: number; cpuPerTokenUs: number }[] = [];
  console.log(`# ${rounds} rounds, ${warmup} s warm-up + ${seconds} s measured, ${connections} connections, pinned: ${pin}`);
  // Round 0 warms the machine and the databases up and is not counted (a first run was often far off).
  for (let round = 0; round <= rounds; round++) {
    // Each round starts with a different variant, so no variant always runs first.
    const order = variants.map((_, i) => variants[(i + round) % variants.length]!);
    for (const variant of order) {
      const { db, secret } = setups.get(variant)!;
      const r = await measure(db, secret, variant);
      if (round === 0) {
        console.log(`round 0 ${variant.padEnd(4)} (not counted) ${r.rps.toFixed(0)} tokens/s`);
        continue;
      }
      runs.push({ round, variant, ...r });
      console.log(`round ${round} ${variant.padEnd(4)} ${r.rps.toFixed(0).padStart(6)} tokens/s  ${r.cpuPerTokenUs.toFixed(1).padStart(6)} µs CPU/token  load ${readFileSync('/proc/loadavg', 'utf8').split(' ')[0]}`);
    }
  }
  const median = (xs: number[]) => {
    const s = [...xs].sort((a, b) => a - b);
    return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
  };
  const pick = (round: number, variant: Variant, key: 'rps' | 'cpuPerTokenUs') => runs.find((r) => r.round === round && r.variant === variant)![key];
  for (const key of ['rps', 'cpuPerTokenUs'] as const) {
    console.log(`${key}: ${variants.map((v) => `${v} median ${median(runs.filter((r) => r.variant === v).map((r) => r[key])).toFixed(1)}`).join(', ')}`);
    for (const [a, b] of variants.flatMap((v, i) => variants.slice(i + 1).map((w) => [w, v] as const))) {
      const ratios = Array.from({ length: rounds }, (_, i) => pick(i + 1, a, key) / pick(i + 1, b, key));
      console.log(`  ${a}/${b} per round ${ratios.map((x) => x.toFixed(3)).join(' ')}; median ${median(ratios).toFixed(3)}, range ${Math.min(...ratios).toFixed(3)}–${Math.max(...ratios).toFixed(3)}`);
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
