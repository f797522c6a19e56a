/**
 * The command line a person expects, through the real command: the
 * repository's bin, a version, "did you mean" for a typo, one line (never a
 * stack trace) for a mistake, exit code 2 for usage errors, a database that a
 * typo cannot create, and output for people as well as for scripts.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { json, runCli, startCliServer, type CliResult } from '../helpers/cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'tessera-command-line-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const freshDb = () => join(dir, `cli-${n++}.db`);

const BIN = fileURLToPath(new URL('../../bin/tessera.js', import.meta.url));
const VERSION = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/** One line on stderr, no stack trace, nothing on stdout. */
function oneLineError(result: CliResult, code: number): string {
  assert.equal(result.code, code, `exit ${result.code}: ${result.stderr}`);
  assert.equal(result.stdout, '');
  assert.doesNotMatch(result.stderr, /\n\s+at /, 'no stack trace');
  return result.stderr.split('\n')[0]!;
}

describe('the tessera bin in the repository', () => {
  const bin = (args: string[]) =>
    new Promise<CliResult>((resolve) => execFile(process.execPath, [BIN, ...args], (error, stdout, stderr) => resolve({ code: error ? Number(error.code) : 0, stdout, stderr })));

  it('runs the sources: --help lists the commands, --version names the package version', async () => {
    const help = await bin(['--help']);
    assert.equal(help.code, 0, help.stderr);
    assert.match(help.stdout, /^usage: tessera <command>/);
    assert.match(help.stdout, /completion/);
    assert.deepEqual(await bin(['--version']), { code: 0, stdout: `tessera ${VERSION}\n`, stderr: '' });
  });
});

describe('mistakes get one line and a suggestion', () => {
  it('suggests the command meant for a mistyped one, exit 2', async () => {
    const line = oneLineError(await runCli(['clinets', 'list']), 2);
    assert.equal(line, "tessera: unknown command 'clinets' (did you mean 'clients'?)");
  });

  it('suggests the flag meant for a mistyped one, without parseArgs\'s paragraph', async () => {
    const result = await runCli(['clients', 'list', '--dbb', 'x.db']);
    assert.equal(result.code, 2);
    assert.equal(result.stderr.split('\n')[0], 'unknown option --dbb (did you mean --db?)');
    assert.doesNotMatch(result.stderr, /positional argument/);
  });

  it('suggests the action meant for a mistyped one, before opening any database', async () => {
    const db = freshDb();
    const result = await runCli(['tenants', 'lsit', '--db', db]);
    assert.equal(result.code, 2);
    assert.equal(result.stderr.split('\n')[0], "unknown action 'lsit' (did you mean 'list'?)");
    assert.ok(!existsSync(db));
  });

  it('suggests for tessera token too, naming only the option (never a value)', async () => {
    const result = await runCli(['token', '--url', 'http://localhost:1/t', '--client-idd=tcs_secret']);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /^tessera token: unknown option --client-idd \(did you mean --client-id\?\)/);
    assert.doesNotMatch(result.stderr, /tcs_secret/);
  });

  it('says what is wrong with a SQLite path whose directory does not exist: its path and the cause, exit 1', async () => {
    const line = oneLineError(await runCli(['init', '--db', '/nonexistent/x.db']), 1);
    assert.equal(line, 'error: cannot open the SQLite database /nonexistent/x.db: the directory /nonexistent does not exist');
  });

  it('says a file that is not a SQLite database is not one', async () => {
    const file = join(dir, 'notes.txt');
    await import('node:fs').then((fs) => fs.writeFileSync(file, 'shopping list: eggs, flour, milk, sugar, butter, a database'));
    const line = oneLineError(await runCli(['migrate', '--db', file]), 1);
    assert.equal(line, `tessera migrate: cannot open the SQLite database ${file}: the file is not a SQLite database`);
  });

  it('refuses a database URL of an engine Tessera does not speak as a usage error naming --db, never echoing the password', async () => {
    for (const command of [['init'], ['tenants', 'list'], ['serve'], ['migrate']]) {
      const result = await runCli([...command, '--db', 'mysql://root:hunter2@db.example/tessera']);
      assert.equal(result.code, 2, `${command.join(' ')}: ${result.stderr}`);
      assert.equal(result.stderr.split('\n')[0], '--db must be a SQLite file path or a postgres:// URL; mysql:// is not supported');
      assert.doesNotMatch(result.stderr, /hunter2|\n\s+at /);
    }
  });

  it('names the environment variable when TESSERA_DB is the one at fault', async () => {
    const line = oneLineError(await runCli(['tenants', 'list'], { env: { TESSERA_DB: 'sqlite://x.db' } }), 1);
    assert.equal(line, 'error: configuration: database must be a SQLite file path or a postgres:// URL; sqlite:// is not supported');
  });
});

describe('only init, serve and migrate create a database', () => {
  it('refuses to manage a database that does not exist, leaving no file behind', async () => {
    const typo = join(dir, 'tesera.db');
    for (const command of [['tenants', 'list'], ['clients', 'create', 'svc'], ['keys', 'list'], ['users', 'list']]) {
      const line = oneLineError(await runCli([...command, '--db', typo]), 1);
      assert.equal(line, `error: no database at ${typo}; only 'tessera init', 'serve' and 'migrate' create one (check --db, TESSERA_DB or the config file's "database")`);
      assert.ok(!existsSync(typo), `${command.join(' ')} created ${typo}`);
    }
  });

  it('creates one with init and with migrate', async () => {
    const a = freshDb();
    assert.equal((await runCli(['init', '--db', a])).code, 0);
    assert.ok(existsSync(a));
    const b = freshDb();
    const migrated = json(await runCli(['migrate', '--db', b]));
    assert.equal(migrated.database, b);
    assert.equal(migrated.from, 0);
  });

  it('has serve report the database it opened as an absolute path, and warn when it created it', async () => {
    const cwd = mkdtempSync(join(dir, 'serve-'));
    const server = await startCliServer(['--db', 'relative.db'], { cwd });
    try {
      const listening = server.logs.find((l) => l.msg === 'listening')!;
      assert.equal(listening.database, join(cwd, 'relative.db'));
      assert.ok(server.logs.some((l) => l.msg === 'created a new database' && l.database === join(cwd, 'relative.db')));
    } finally {
      assert.equal(await server.stop(), 0);
    }
  });
});

describe('output', () => {
  it('names JSON keys alike in init and clients create (camelCase, as the admin API), the secret under clientSecret', async () => {
    const db = freshDb();
    const init = json(await runCli(['init', '--db', db]));
    assert.deepEqual(Object.keys(init), ['database', 'tenant', 'issuer', 'clientId', 'clientSecret', 'scope']);
    assert.equal(init.database, db);
    const created = json(await runCli(['clients', 'create', 'svc', '--db', db]));
    assert.deepEqual(Object.keys(created), ['client', 'clientSecret']);
    assert.match(String(created.clientSecret), /^tcs_/);
  });

  it('prints a table with ISO 8601 times for --output table, and JSON with the admin API\'s milliseconds by default', async () => {
    const db = freshDb();
    await runCli(['init', '--db', db]);
    const asJson = json<{ id: string; createdAt: number }[]>(await runCli(['clients', 'list', '--db', db]));
    assert.equal(typeof asJson[0]!.createdAt, 'number');
    const table = await runCli(['clients', 'list', '--db', db, '--output', 'table']);
    assert.equal(table.code, 0, table.stderr);
    const [header, row] = table.stdout.split('\n');
    assert.match(header!, /^TENANTID\s+ID\s+/);
    assert.match(row!, /^default\s+admin\s+/);
    assert.ok(row!.includes(new Date(asJson[0]!.createdAt).toISOString()), row);

    const shown = await runCli(['tenants', 'show', 'default', '--db', db, '-o', 'table']);
    assert.match(shown.stdout, /^loginPolicy\.lockout\.maxFailures\s+5$/m);
    assert.match(shown.stdout, /^createdAt\s+\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/m);
    const bad = await runCli(['tenants', 'list', '--db', db, '--output', 'tabel']);
    assert.equal(bad.code, 2);
    assert.equal(bad.stderr.split('\n')[0], "--output must be json or table (did you mean 'table'?)");
  });
});
