/**
 * A finer A/B of what metrics cost per token than bench/observability-ab.ts
 * can give on a busy machine: both variants run in one process, side by
 * side (one server without metrics, one with `metricsPort`), and a load
 * generator in another process sends its requests to one of them at a time,
 * switching every half second in an ABBA pattern. The server process's CPU
 * time over each slice, divided by the tokens answered in it, is that
 * variant's cost per token; because the slices interleave quickly, a change
 * in the machine's load falls on both alike, and the median of per-pair
 * ratios is little moved by it.
 *
 * What it cannot see: work both servers share (prom-client's process
 * metrics, such as its GC observer, run once per process), measured apart by
 * the A/B of whole processes.
 *
 *   taskset -c 0 node bench/observability-interleaved.ts [--pairs 40] [--slice-ms 500] [--connections 32]
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    pairs: { type: 'string', default: '40' },
    'slice-ms': { type: 'string', default: '500' },
    connections: { type: 'string', default: '32' },
    load: { type: 'string' },
  },
});

if (values.load !== undefined) {
  // The load generator: `--load urlA,urlB,secretA,secretB,connections`; the parent says which target to load.
  const [urlA, urlB, secretA, secretB, connections] = values.load.split(',');
  const targets = [urlA!, urlB!].map((url, i) => ({
    url: new URL('/oauth/token', url),
    agent: new Agent({ keepAlive: true, maxSockets: Number(connections) }),
    authorization: `Basic ${Buffer.from(`svc:${[secretA, secretB][i]}`).toString('base64')}`,
  }));
  const body = 'grant_type=client_credentials';
  let current = 0;
  let answered = 0;
  let failed = 0;
  let running = true;
  process.on('message', (m: { target?: number; stop?: boolean; read?: boolean }) => {
    if (m.stop === true) running = false;
    if (m.target !== undefined) current = m.target;
    if (m.read === true) {
      process.send!({ answered, failed });
      answered = 0;
      failed = 0;
    }
  });
  const one = () =>
    new Promise<void>((resolve) => {
      const t = targets[current]!;
      const req = request(t.url, { method: 'POST', agent: t.agent, headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': String(body.length), authorization: t.authorization } }, (res) => {
        res.resume();
        res.on('end', () => {
          if (res.statusCode === 200) answered++;
          else failed++;
          resolve();
        });
      });
      req.on('error', () => resolve());
      req.end(body);
    });
  await Promise.all(Array.from({ length: Number(connections) }, async () => {
    while (running) await one();
  }));
  for (const t of targets) t.agent.destroy();
  process.exit(0);
}

const { validateConfig } = await import('../src/config/config.ts');
const { startServer } = await import('../src/server/start-server.ts');

const pairs = Number(values.pairs);
const sliceMs = Number(values['slice-ms']);
const dir = mkdtempSync(join(tmpdir(), 'tessera-interleaved-'));
const servers: Awaited<ReturnType<typeof startServer>>[] = [];
try {
  const secrets: string[] = [];
  for (const [i, metrics] of [false, true].entries()) {
    const config = validateConfig({ port: 0, database: join(dir, `v${i}.db`), logLevel: 'info', ...(metrics ? { metricsPort: 0 } : {}) });
    const server = await startServer(config);
    const created = (await server.tessera.admin.clients.create({ tenantId: 'default', id: 'svc', grantTypes: ['client_credentials'] }, { actor: 'bench' })) as { clientSecret: string };
    secrets.push(created.clientSecret);
    servers.push(server);
  }
  const args = [fileURLToPath(import.meta.url), '--load', [servers[0]!.url, servers[1]!.url, secrets[0], secrets[1], values.connections].join(',')];
  const load = existsSync('/usr/bin/taskset')
    ? spawn('taskset', ['-c', '1', process.execPath, ...args], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
    : spawn(process.execPath, args, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const read = () => new Promise<{ answered: number; failed: number }>((resolve) => {
    load.once('message', (m) => resolve(m as { answered: number; failed: number }));
    load.send({ read: true });
  });
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  const tokens = [0, 0];
  /** One slice on `target`: a settling tenth (discarded), then CPU and tokens over the rest. */
  const slice = async (target: number) => {
    load.send({ target });
    await sleep(sliceMs / 10);
    await read();
    const cpu = process.cpuUsage();
    await sleep(sliceMs);
    const { answered, failed } = await read();
    const used = process.cpuUsage(cpu);
    if (failed > 0) throw new Error(`${failed} requests failed`);
    tokens[target] = (tokens[target] ?? 0) + answered;
    return (used.user + used.system) / answered;
  };
  // Warm both up (JIT, caches) before measuring.
  for (let i = 0; i < 4; i++) await slice(i % 2);
  const off: number[] = [];
  const on: number[] = [];
  const ratios: number[] = [];
  for (let p = 0; p < pairs; p++) {
    // ABBA: each variant goes first in half the pairs.
    const first = p % 2;
    const a = await slice(first);
    const b = await slice(1 - first);
    const [offUs, onUs] = first === 0 ? [a, b] : [b, a];
    off.push(offUs);
    on.push(onUs);
    ratios.push(onUs / offUs);
  }
  load.send({ stop: true });
  const median = (xs: number[]) => {
    const s = [...xs].sort((x, y) => x - y);
    return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
  };
  const quartiles = (xs: number[]) => {
    const s = [...xs].sort((x, y) => x - y);
    return [s[Math.floor(s.length / 4)]!, s[Math.floor((3 * s.length) / 4)]!];
  };
  const [q1 = NaN, q3 = NaN] = quartiles(ratios);
  console.log(`# ${pairs} pairs of ${sliceMs} ms slices, ${values.connections} connections`);
  console.log(`tokens measured: off ${tokens[0]}, on ${tokens[1]}`);
  console.log(`CPU per token: off median ${median(off).toFixed(2)} µs, on median ${median(on).toFixed(2)} µs`);
  console.log(`on/off per pair: median ${median(ratios).toFixed(3)}, quartiles ${q1.toFixed(3)}–${q3.toFixed(3)}, range ${Math.min(...ratios).toFixed(3)}–${Math.max(...ratios).toFixed(3)}`);
} finally {
  for (const server of servers) await server.close();
  rmSync(dir, { recursive: true, force: true });
}
