/**
 * What the `durability` setting costs on SQLite: client-credentials tokens
 * per second from one `tessera serve` on a fresh database file, for each
 * value, alternated over several rounds on the same machine. A rough
 * figure for docs/storage.md, not the benchmark suite (bench/).
 *
 *   node scripts/durability-cost.ts [--rounds 3] [--seconds 5] [--connections 32] [--dir DIR]
 */
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '3' }, seconds: { type: 'string', default: '5' }, connections: { type: 'string', default: '32' }, dir: { type: 'string' } } });
const MAIN = fileURLToPath(new URL('../src/cli/main.ts', import.meta.url));
const base = values.dir ?? mkdtempSync(join(tmpdir(), 'tessera-durability-'));

async function run(durability: string, round: number): Promise<number> {
  const db = join(base, `${durability}-${round}.db`);
  execFileSync(process.execPath, [MAIN, 'init', '--db', db], { stdio: 'ignore' });
  const secret = JSON.parse(execFileSync(process.execPath, [MAIN, 'clients', 'create', 'svc', '--db', db]).toString()).clientSecret as string;
  const child = spawn(process.execPath, [MAIN, 'serve', '--db', db, '--port', '0', '--durability', durability], { env: { ...process.env, TESSERA_REQUEST_LOG_LEVEL: 'debug' }, stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve) => {
    let out = '';
    child.stdout!.on('data', (chunk) => {
      out += chunk;
      const match = /"msg":"listening"/.test(out) && /"url":"([^"]+)"/.exec(out);
      if (match) resolve(match[1]!);
    });
  });
  const authorization = `Basic ${Buffer.from(`svc:${secret}`).toString('base64')}`;
  let count = 0;
  const until = performance.now() + Number(values.seconds) * 1000;
  await Promise.all(Array.from({ length: Number(values.connections) }, async () => {
    while (performance.now() < until) {
      const res = await fetch(`${url}/oauth/token`, { method: 'POST', headers: { authorization, 'content-type': 'application/x-www-form-urlencoded' }, body: 'grant_type=client_credentials' });
      await res.arrayBuffer();
      if (res.status === 200) count++;
    }
  }));
  child.kill('SIGTERM');
  await new Promise((resolve) => child.once('exit', resolve));
  return count / Number(values.seconds);
}

const results: Record<string, number[]> = { 'process-crash': [], 'power-loss': [] };
for (let round = 0; round < Number(values.rounds); round++) {
  for (const durability of Object.keys(results)) results[durability]!.push(await run(durability, round));
}
for (const [durability, rates] of Object.entries(results)) {
  const sorted = [...rates].sort((a, b) => a - b);
  console.log(`${durability}: median ${Math.round(sorted[Math.floor(sorted.length / 2)]!)} tokens/s (rounds: ${rates.map(Math.round).join(', ')})`);
}
if (values.dir === undefined) rmSync(base, { recursive: true, force: true });
