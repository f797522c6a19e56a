/**
 * PostgreSQL's own rates on this machine for Tessera's token table, the
 * figures docs/scaling.md builds on: how many token rows it inserts per
 * second (one per transaction, and in the multi-row batches the PostgreSQL
 * store writes per event-loop turn) and how many it looks up by key, with the
 * CPU each costs the database, and how many bytes a stored token takes.
 *
 * The table is Tessera's own (a fresh schema migrated by `tessera init`),
 * preloaded with --rows tokens keyed as the store keys them (12 hex digits of
 * the issue time, then 43 more characters); the load is pgbench with the
 * scripts kept beside the output. Last, the purger's own DELETE empties the
 * table 1000 rows a statement, as the purgers of several
 * instances would (one per --clients).
 * Nothing else of the bench runs meanwhile.
 *
 *   cd bench && npm run pg-rates -- [--rows N] [--duration S] [--clients N] [--batch N] [--postgres-url U]
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { cpuUsPerRequest, parseProcStat, TICK_MS } from './lib/cpu.ts';
import { BENCH_DIR, postgresQuery, postgresSchemaUrl, ROOT_DIR } from './lib/drivers.ts';
import { runCommand } from './lib/proc.ts';

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '1000000' },
    duration: { type: 'string', default: '10' },
    clients: { type: 'string', default: '8' },
    batch: { type: 'string', default: '20' },
    'postgres-url': { type: 'string' },
    condition: { type: 'string', default: 'unspecified' },
  },
});
const rows = Number(values.rows);
const durationS = Number(values.duration);
const clients = Number(values.clients);
const batch = Number(values.batch);
const base = values['postgres-url'] ?? process.env.TESSERA_BENCH_POSTGRES_URL ?? process.env.TESSERA_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const log = (line: string) => process.stderr.write(`${line}\n`);

/**
 * CPU time (ms) of the whole PostgreSQL server so far: every live process
 * named `postgres` (backends, WAL writer, checkpointer), plus the times of
 * the children the postmaster has already reaped, so a pgbench backend that
 * ends with its run is still counted. Other clients of the same server count
 * too: run this on a quiet server.
 */
function postgresCpuMs(): number {
  let ticks = 0;
  const pids = readdirSync('/proc').filter((d) => /^\d+$/.test(d));
  const comm = (pid: string) => {
    try {
      return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
    } catch {
      return '';
    }
  };
  for (const pid of pids) {
    if (comm(pid) !== 'postgres') continue;
    try {
      const line = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const times = parseProcStat(line);
      ticks += times.utime + times.stime;
      const ppid = line.slice(line.lastIndexOf(')') + 2).split(' ')[1]!;
      if (comm(ppid) !== 'postgres') ticks += times.cutime + times.cstime; // the postmaster
    } catch {
      // gone
    }
  }
  return ticks * TICK_MS;
}

const COLUMNS = 'hash, kind, tenant_id, client_id, subject, scope, accounts, issued_at, expires_at, revoked_at, family_id, username';
// A key as the store makes one: 12 hex digits of the issue time in ms, then 43 characters (here hex from md5).
const KEY_OF = (i: string, t: string) => `lpad(to_hex(${t}), 12, '0') || md5(${i}::text) || left(md5(${i}::text || 'x'), 11)`;
const START_MS = Date.now() - 3_600_000;
const ROW = (key: string, t: string) => `${key}, 'access', 'default', 'bench', 'bench', '{}', '{}', ${t}, ${t} + 3600000, NULL, NULL, NULL`;

const SCRIPTS: Record<string, string> = {
  'insert-1': `INSERT INTO tokens (${COLUMNS}) VALUES (${ROW(KEY_OF('random()', '(extract(epoch from clock_timestamp()) * 1000)::bigint'), '(extract(epoch from clock_timestamp()) * 1000)::bigint')});\n`,
  [`insert-${batch}`]: `INSERT INTO tokens (${COLUMNS}) SELECT ${ROW(KEY_OF('random()', 't'), 't')} FROM (SELECT (extract(epoch from clock_timestamp()) * 1000)::bigint AS t FROM generate_series(1, ${batch})) s;\n`,
  lookup: `\\set id random(1, ${rows})\nSELECT ${COLUMNS} FROM tokens WHERE hash = ${KEY_OF(':id', `${START_MS} + :id`)};\n`,
  // The purger's statement (src/store/postgres/tokens.ts), its batch at the default purgeBatchSize, every row taken as expired.
  purge: `DELETE FROM tokens WHERE hash IN (SELECT hash FROM tokens WHERE expires_at < ${Date.now() + 10 * 365 * 86_400_000} ORDER BY expires_at LIMIT 1000 FOR UPDATE SKIP LOCKED);\n`,
};

async function pgbench(schema: string, name: string, scriptFile: string): Promise<{ tps: number; latencyMs: number; transactions: number; pgbenchCpuMs: number; output: string }> {
  const url = new URL(base);
  const args = ['-n', '-M', 'prepared', '-c', String(clients), '-j', String(Math.min(clients, os.availableParallelism())), '-T', String(durationS), '-f', scriptFile, '-h', url.hostname, '-p', url.port || '5432', '-U', decodeURIComponent(url.username || 'postgres'), url.pathname.slice(1)];
  // As for wrk: the shell has waited for pgbench when it prints its own children's CPU times.
  const shell = 'pgbench "$@"; status=$?; read -r stat < /proc/$$/stat; echo "__CPU__ $stat"; exit $status';
  const env = { ...process.env, PGOPTIONS: `-c search_path=${schema}`, PGAPPNAME: `${schema}-${name}`, ...(url.password ? { PGPASSWORD: decodeURIComponent(url.password) } : {}) };
  const output = await new Promise<string>((resolve, reject) => {
    const child = spawn('sh', ['-c', shell, 'sh', ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.once('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`pgbench exited ${code}: ${err || out}`))));
  });
  const tps = Number(/tps = ([\d.]+) \(without initial connection time\)/.exec(output)?.[1]);
  const latencyMs = Number(/latency average = ([\d.]+) ms/.exec(output)?.[1]);
  const transactions = Number(/number of transactions actually processed: (\d+)/.exec(output)?.[1]);
  const cpu = parseProcStat(/__CPU__ (.*)/.exec(output)![1]!);
  return { tps, latencyMs, transactions, pgbenchCpuMs: (cpu.cutime + cpu.cstime) * TICK_MS, output: `pgbench ${args.join(' ')}\n${output.replace(/__CPU__.*\n?/, '')}` };
}

const schema = `tessera_pgrates_${randomBytes(4).toString('hex')}`;
const stamp = new Date().toISOString().replace(/[:.]/g, '-');
const outDir = join(BENCH_DIR, 'results', `pg-rates-${stamp}`);
mkdirSync(outDir, { recursive: true });
await postgresQuery(base, `CREATE SCHEMA ${schema}`);
const url = postgresSchemaUrl(base, schema);
try {
  await runCommand([join(ROOT_DIR, 'src/cli/main.ts'), 'init', '--db', url], { cwd: ROOT_DIR });
  const settings = Object.fromEntries(
    await Promise.all(['server_version', 'synchronous_commit', 'fsync', 'shared_buffers', 'wal_level', 'max_connections'].map(async (s) => [s, (await postgresQuery<{ v: string }>(url, `SELECT current_setting('${s}') AS v`))[0]!.v])),
  );
  log(`PostgreSQL ${settings.server_version} (synchronous_commit ${settings.synchronous_commit}, fsync ${settings.fsync}, shared_buffers ${settings.shared_buffers}); preloading ${rows.toLocaleString('en-US')} tokens into ${schema}.tokens`);
  const loadStart = performance.now();
  await postgresQuery(url, `INSERT INTO tokens (${COLUMNS}) SELECT ${ROW(KEY_OF('i', `${START_MS} + i`), `${START_MS} + i`)} FROM generate_series(1, ${rows}) AS i`);
  await postgresQuery(url, 'VACUUM ANALYZE tokens');
  const loadS = (performance.now() - loadStart) / 1000;
  const [size] = await postgresQuery<{ table: string; total: string; indexes: string }>(url, "SELECT pg_table_size('tokens') AS table, pg_indexes_size('tokens') AS indexes, pg_total_relation_size('tokens') AS total");
  const bytesPerToken = Number(size!.total) / rows;
  log(`preloaded in ${loadS.toFixed(1)} s: ${(Number(size!.total) / 1024 ** 2).toFixed(0)} MB (${bytesPerToken.toFixed(0)} bytes a token: table ${(Number(size!.table) / rows).toFixed(0)}, indexes ${(Number(size!.indexes) / rows).toFixed(0)})`);

  const results = [];
  for (const [name, script] of Object.entries(SCRIPTS)) {
    const file = join(outDir, `${name}.sql`);
    writeFileSync(file, script);
    const countBefore = name === 'purge' ? Number((await postgresQuery<{ n: string }>(url, 'SELECT count(*)::text AS n FROM tokens'))[0]!.n) : 0;
    const before = postgresCpuMs();
    const [walBefore] = await postgresQuery<{ lsn: string }>(url, 'SELECT pg_current_wal_lsn()::text AS lsn');
    const loadAvg = os.loadavg()[0]!;
    const run = await pgbench(schema, name, file);
    const dbCpuMs = postgresCpuMs() - before;
    // WAL written meanwhile, by this run and by whatever else the server did: a bound on this run's share.
    const [wal] = await postgresQuery<{ bytes: string }>(url, 'SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), $1::pg_lsn)::text AS bytes', [walBefore!.lsn]);
    // A purge statement deletes up to 1000 rows, fewer once the table runs low: count what went.
    const countAfter = name === 'purge' ? Number((await postgresQuery<{ n: string }>(url, 'SELECT count(*)::text AS n FROM tokens'))[0]!.n) : 0;
    const deleted = countBefore - countAfter;
    const tokensPerTx = name.startsWith('insert-') ? Number(name.slice('insert-'.length)) : name === 'purge' ? deleted / Math.max(1, run.transactions) : 1;
    const result = {
      name,
      transactionsPerS: run.tps,
      tokensPerS: run.tps * tokensPerTx,
      latencyMs: run.latencyMs,
      databaseCpuUsPerToken: cpuUsPerRequest(dbCpuMs, run.transactions * tokensPerTx),
      databaseCores: dbCpuMs / 1000 / durationS,
      pgbenchCpuUsPerTransaction: cpuUsPerRequest(run.pgbenchCpuMs, run.transactions),
      walBytesPerToken: Number(wal!.bytes) / (run.transactions * tokensPerTx),
      loadAverageAtStart: loadAvg,
      // An emptied table makes the purge rate a lower bound.
      ...(name === 'purge' ? { deleted, ranEmpty: countAfter === 0 } : {}),
    };
    results.push(result);
    writeFileSync(join(outDir, `${name}.txt`), run.output);
    log(`${name}: ${Math.round(result.tokensPerS).toLocaleString('en-US')} tokens/s (${Math.round(run.tps).toLocaleString('en-US')} transactions/s, ${run.latencyMs} ms each), PostgreSQL ${result.databaseCpuUsPerToken.toFixed(1)} µs CPU a token (${result.databaseCores.toFixed(2)} cores), pgbench ${result.pgbenchCpuUsPerTransaction.toFixed(1)} µs a transaction, WAL ${result.walBytesPerToken.toFixed(0)} bytes a token`);
  }
  const summary = {
    date: new Date().toISOString(),
    condition: values.condition,
    machine: { cpu: os.cpus()[0]?.model, cores: os.availableParallelism() },
    settings,
    options: { rows, durationS, clients, batch },
    preload: { seconds: loadS, bytesPerToken, tableBytes: Number(size!.table), indexBytes: Number(size!.indexes) },
    results,
  };
  writeFileSync(join(outDir, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
  process.stdout.write(`${JSON.stringify(summary, null, 2)}\nscripts and pgbench output: ${outDir}\n`);
} finally {
  await postgresQuery(base, 'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name LIKE $1 AND pid <> pg_backend_pid()', [`${schema}%`]);
  await postgresQuery(base, `DROP SCHEMA IF EXISTS ${schema} CASCADE`);
}
