/**
 * A/B of the rate limits' cost on the hot path: opaque client-credentials
 * tokens from `tessera serve` (SQLite), one client, 32 keep-alive
 * connections, with the limits off, at their defaults, and with per-client
 * and per-address rules on every request (rates far above the load, so every
 * request pays a bucket update and none is refused), the buckets in memory
 * or in Redis. Configurations alternate within each round, in a rotated
 * order, so a change in the machine's load hits all of them alike.
 *
 * Self-contained (no autocannon): the load generator is this file run in a
 * second process. Reports requests/s and the server's CPU time per request
 * (user + system from /proc), which moves less than requests/s when other
 * work shares the machine.
 *
 *   node bench/rate-limit-ab.ts [--rounds 4] [--seconds 8] [--redis redis://127.0.0.1:6379]
 */
import { execFileSync, fork, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const MAIN = fileURLToPath(new URL('../src/cli/main.ts', import.meta.url));
const CONNECTIONS = 32;
const WARMUP_S = 2;

const ALL_OFF = 'token=off,introspection=off,revocation=off,admin=off,login=off,failures=off,oauth-address=off,discovery-address=off,admin-address=off';
const EVERY_REQUEST = 'token=1000000/1s,oauth-address=1000000/1s';

interface Config {
  name: string;
  flags: (redis: string, prefix: string) => string[];
}

const CONFIGS: Config[] = [
  { name: 'off', flags: () => ['--rate-limits', ALL_OFF] },
  { name: 'defaults, memory', flags: () => [] },
  { name: 'every request, memory', flags: () => ['--rate-limits', EVERY_REQUEST] },
  { name: 'defaults, Redis', flags: (redis, prefix) => ['--rate-limit-store', redis, '--rate-limit-key-prefix', prefix] },
  { name: 'every request, Redis', flags: (redis, prefix) => ['--rate-limit-store', redis, '--rate-limit-key-prefix', prefix, '--rate-limits', EVERY_REQUEST] },
];

/** The load generator: `node rate-limit-ab.ts load URL AUTH SECONDS`; prints {ok, other}. */
async function load(url: string, authorization: string, seconds: number): Promise<void> {
  const { hostname, port } = new URL(url);
  const agent = new Agent({ keepAlive: true, maxSockets: CONNECTIONS });
  const body = 'grant_type=client_credentials';
  const counts = { ok: 0, other: 0, measuring: false };
  let stop = false;
  const one = () =>
    new Promise<number>((resolve, reject) => {
      const req = request({ host: hostname, port, method: 'POST', path: '/oauth/token', agent, headers: { authorization, 'content-type': 'application/x-www-form-urlencoded', 'content-length': body.length } }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode!));
      });
      req.on('error', reject);
      req.end(body);
    });
  const loop = async () => {
    while (!stop) {
      const status = await one();
      if (!counts.measuring) continue;
      if (status === 200) counts.ok++;
      else counts.other++;
    }
  };
  const loops = Array.from({ length: CONNECTIONS }, loop);
  await new Promise((resolve) => setTimeout(resolve, WARMUP_S * 1000));
  process.send!({ phase: 'measuring' });
  counts.measuring = true;
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  counts.measuring = false;
  process.send!({ phase: 'done', ok: counts.ok, other: counts.other });
  stop = true;
  await Promise.all(loops);
  agent.destroy();
}

/** User + system CPU seconds of a process (clock ticks of 1/100 s on Linux). */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

function cli(db: string, args: string[], env: Record<string, string> = {}): string {
  return execFileSync(process.execPath, [MAIN, ...args, '--db', db], { env: { ...process.env, ...env }, encoding: 'utf8' });
}

/** A port free right now (the server is started on it, at warn level: a log line per request would be part of what is measured). */
function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

async function serve(db: string, flags: string[]): Promise<{ url: string; pid: number; stop: () => Promise<void> }> {
  const port = await freePort();
  const child = spawn(process.execPath, [MAIN, 'serve', '--db', db, '--port', String(port), '--log-level', 'warn', ...flags], { stdio: ['ignore', 'inherit', 'inherit'] });
  const url = `http://127.0.0.1:${port}`;
  for (let ready = false; !ready;) {
    if (child.exitCode !== null) throw new Error(`serve exited ${child.exitCode}`);
    ready = await fetch(`${url}/healthz`).then((r) => r.ok, () => false);
    if (!ready) await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    url,
    pid: child.pid!,
    stop: () => new Promise((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    }),
  };
}

async function measure(url: string, pid: number, authorization: string, seconds: number): Promise<{ rps: number; cpuUsPerRequest: number; other: number }> {
  const loader = fork(fileURLToPath(import.meta.url), ['load', url, authorization, String(seconds)], { stdio: 'inherit' });
  let cpuStart = 0;
  const done = await new Promise<{ ok: number; other: number }>((resolve) => {
    loader.on('message', (m: { phase: string; ok: number; other: number }) => {
      if (m.phase === 'measuring') cpuStart = cpuSeconds(pid);
      else resolve(m);
    });
  });
  const cpu = cpuSeconds(pid) - cpuStart;
  await new Promise((resolve) => loader.once('exit', resolve));
  return { rps: done.ok / seconds, cpuUsPerRequest: (cpu * 1e6) / Math.max(1, done.ok), other: done.other };
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { rounds: { type: 'string', default: '4' }, seconds: { type: 'string', default: '8' }, redis: { type: 'string', default: 'redis://127.0.0.1:6379' } } });
  const rounds = Number(values.rounds);
  const seconds = Number(values.seconds);
  const dir = mkdtempSync(join(tmpdir(), 'tessera-limits-ab-'));
  const db = join(dir, 'ab.db');
  try {
    cli(db, ['init']);
    const secret = JSON.parse(cli(db, ['clients', 'create', 'bench', '--format', 'opaque'])).clientSecret as string;
    const authorization = `Basic ${Buffer.from(`bench:${secret}`).toString('base64')}`;
    const results = new Map<string, { rps: number; cpu: number }[]>(CONFIGS.map((c) => [c.name, []]));
    for (let round = 0; round < rounds; round++) {
      const order = CONFIGS.map((_, i) => CONFIGS[(i + round) % CONFIGS.length]!);
      for (const config of order) {
        const prefix = `tessera-ab-${randomBytes(4).toString('hex')}:`;
        const server = await serve(db, config.flags(values.redis!, prefix));
        const r = await measure(server.url, server.pid, authorization, seconds);
        await server.stop();
        if (r.other > 0) throw new Error(`${config.name}: ${r.other} answers were not 200; the rates must stay above the load`);
        results.get(config.name)!.push({ rps: r.rps, cpu: r.cpuUsPerRequest });
        console.log(`round ${round + 1} ${config.name.padEnd(24)} ${r.rps.toFixed(0).padStart(7)} req/s  ${r.cpuUsPerRequest.toFixed(1).padStart(6)} µs CPU/request`);
      }
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const base = results.get('off')!;
    console.log('\nconfiguration            | req/s median (min–max) | vs off | CPU µs/request median | vs off');
    for (const [name, runs] of results) {
      const rps = runs.map((r) => r.rps);
      const cpu = runs.map((r) => r.cpu);
      console.log(`${name.padEnd(24)} | ${median(rps).toFixed(0)} (${Math.min(...rps).toFixed(0)}–${Math.max(...rps).toFixed(0)}) | ${((median(rps) / median(base.map((b) => b.rps)) - 1) * 100).toFixed(1)} % | ${median(cpu).toFixed(1)} | ${((median(cpu) / median(base.map((b) => b.cpu)) - 1) * 100).toFixed(1)} %`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === 'load') await load(process.argv[3]!, process.argv[4]!, Number(process.argv[5]));
else await main();
