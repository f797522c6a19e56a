/**
 * Bad database settings at start: `tessera serve` and `tessera migrate` stop
 * with a clear message and exit code 1, and never print a password.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { POSTGRES_URL, postgresSkip } from '../helpers/postgres.ts';
import { spawnTessera, START_TIMEOUT_MS } from '../helpers/spawn-tessera.ts';

const SECRET = 'pw-that-must-not-leak';
// Nothing listens on port 1.
const UNREACHABLE = `postgres://tessera:${SECRET}@127.0.0.1:1/tessera`;

async function runCli(args: string[], env: Record<string, string> = {}) {
  const proc = spawnTessera(args, env);
  const { code } = await proc.exited;
  return { code, stdout: proc.stdout(), stderr: proc.stderr() };
}

describe('an unreachable or refused database at start', { timeout: 4 * START_TIMEOUT_MS }, () => {
  for (const [name, args] of [
    ['serve', ['serve', '--port', '0', '--db', UNREACHABLE]],
    ['serve --workers 2', ['serve', '--port', '0', '--workers', '2', '--db', UNREACHABLE]],
    ['migrate', ['migrate', '--db', UNREACHABLE]],
  ] as const) {
    it(`${name}: names the database and the reason, exits 1, masks the password`, async () => {
      const { code, stdout, stderr } = await runCli([...args]);
      assert.equal(code, 1);
      assert.match(stderr, /PostgreSQL at postgres:\/\/tessera:\*\*\*@127\.0\.0\.1:1\/tessera is unavailable: connect ECONNREFUSED/);
      assert.doesNotMatch(stderr + stdout, new RegExp(SECRET));
      assert.doesNotMatch(stdout, /worker started/, 'no worker is forked for a database that cannot be reached');
    });
  }

  it('takes the database from TESSERA_DB as well, with the same message', async () => {
    const { code, stderr } = await runCli(['serve', '--port', '0'], { TESSERA_DB: UNREACHABLE });
    assert.equal(code, 1);
    assert.match(stderr, /tessera serve: cannot start: PostgreSQL at postgres:\/\/tessera:\*\*\*@/);
    assert.doesNotMatch(stderr, new RegExp(SECRET));
  });

  it('refuses a PostgreSQL URL that does not parse without repeating it, as a usage error naming --db', async () => {
    const { code, stderr } = await runCli(['migrate', '--db', `postgres://tessera:${SECRET}@[::1/tessera`]);
    assert.equal(code, 2);
    assert.match(stderr, /^--db is not a valid PostgreSQL URL/);
    assert.doesNotMatch(stderr, new RegExp(SECRET));
  });

  describe('with PostgreSQL', { skip: postgresSkip('the PostgreSQL start-up fault tests') }, () => {
    // Local trust authentication accepts any password, so "wrong password"
    // (28P01) cannot be provoked here; an unknown database (3D000) and an
    // unknown role (28000) take the same path: refused at connect.
    it('serve: an unknown database name stops the start, naming it, password masked', async () => {
      const url = new URL(POSTGRES_URL!);
      url.password = SECRET;
      url.pathname = '/tessera_no_such_database';
      const { code, stderr } = await runCli(['serve', '--port', '0', '--db', url.toString()]);
      assert.equal(code, 1);
      assert.match(stderr, /cannot start: PostgreSQL at postgres:\/\/[^:]+:\*\*\*@.*is unavailable: database "tessera_no_such_database" does not exist/);
      assert.doesNotMatch(stderr, new RegExp(SECRET));
    });

    it('clients list: an unknown role is an error message, not a stack trace', async () => {
      const url = new URL(POSTGRES_URL!);
      url.username = 'tessera_no_such_role';
      url.password = SECRET;
      const { code, stderr } = await runCli(['clients', 'list', '--db', url.toString()]);
      assert.equal(code, 1);
      assert.match(stderr, /^error: PostgreSQL at .* is unavailable: role "tessera_no_such_role" does not exist\n$/);
      assert.doesNotMatch(stderr, new RegExp(SECRET));
    });
  });
});
