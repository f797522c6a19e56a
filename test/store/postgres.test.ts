/**
 * The PostgreSQL adapter: the shared store contract, plus what only this
 * adapter has (advisory-locked migrations, pg error mapping, connection loss).
 * Needs TESSERA_TEST_POSTGRES_URL; each test works in a schema of its own.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import pg from 'pg';
import { POSTGRES_MIGRATIONS } from '../../src/store/migrations/postgres/index.ts';
import { StoreUnavailableError } from '../../src/core/ports/errors.ts';
import { openPostgresStore } from '../../src/store/postgres/postgres-store.ts';
import { adminQuery, createTestSchema, openTestPostgresStore, POSTGRES_URL, postgresSkip } from '../helpers/postgres.ts';
import { AUDITED, storeContract, tenant, token } from '../../src/store/contract.ts';

const skip = postgresSkip('the PostgreSQL store tests');

storeContract('postgres', openTestPostgresStore, { skip });

describe('postgres store', { skip }, () => {
  it('migrates a fresh schema once when several processes open it at the same moment', async () => {
    const schema = await createTestSchema();
    try {
      const stores = await Promise.all(Array.from({ length: 4 }, () => openPostgresStore({ connectionString: schema.url, poolSize: 1 })));
      assert.deepEqual(stores.map((s) => s.migration.applied.length).sort(), [0, 0, 0, POSTGRES_MIGRATIONS.length]);
      assert.ok(stores.every((s) => s.schemaVersion === POSTGRES_MIGRATIONS.length));
      await Promise.all(stores.map((s) => s.close()));
      const { rows } = await adminQuery(`SELECT version, name FROM ${schema.name}.schema_migrations ORDER BY version`);
      assert.deepEqual(rows, POSTGRES_MIGRATIONS.map((m) => ({ version: m.version, name: m.name })));
    } finally {
      await schema.drop();
    }
  });

  it('keeps data across reopening and applies no migration twice', async () => {
    const schema = await createTestSchema();
    try {
      const first = await openPostgresStore({ connectionString: schema.url });
      await first.tenants.createTenant(tenant('kept'), AUDITED);
      await first.close();
      const second = await openPostgresStore({ connectionString: schema.url });
      assert.equal(second.migration.applied.length, 0);
      assert.equal((await second.tenants.getTenant('kept'))?.id, 'kept');
      await second.close();
    } finally {
      await schema.drop();
    }
  });

  it('refuses a database whose schema is newer than this build', async () => {
    const schema = await createTestSchema();
    try {
      await (await openPostgresStore({ connectionString: schema.url })).close();
      await adminQuery(`INSERT INTO ${schema.name}.schema_migrations (version, name, applied_at) VALUES (999, 'future', 0)`);
      await assert.rejects(openPostgresStore({ connectionString: schema.url }), /schema version 999 is newer/);
    } finally {
      await schema.drop();
    }
  });

  it('refuses a search_path that names no existing schema, saying so', async () => {
    const url = new URL(POSTGRES_URL!);
    url.searchParams.set('options', '-c search_path=tessera_test_does_not_exist');
    await assert.rejects(openPostgresStore({ connectionString: url.toString() }), /search_path names no existing schema/);
  });

  it('reports an unknown database as unavailable, naming it, without the password', async () => {
    // Local trust authentication accepts any password, so a wrong password
    // cannot be provoked here; an unknown database takes the same error path.
    const url = new URL(POSTGRES_URL!);
    url.password = 'pw-that-must-not-leak';
    url.pathname = '/tessera_no_such_database';
    const error = await openPostgresStore({ connectionString: url.toString() }).catch((e: unknown) => e);
    assert.ok(error instanceof StoreUnavailableError);
    assert.match(error.message, /database "tessera_no_such_database" does not exist/);
    assert.match(error.message, /:\*\*\*@/);
    assert.doesNotMatch(error.message, /pw-that-must-not-leak/);
  });

  it('reports an unknown role the same way', async () => {
    const url = new URL(POSTGRES_URL!);
    url.username = 'tessera_no_such_role';
    const error = await openPostgresStore({ connectionString: url.toString() }).catch((e: unknown) => e);
    assert.ok(error instanceof StoreUnavailableError);
    assert.match(error.message, /role "tessera_no_such_role" does not exist/);
  });

  it('answers StoreUnavailableError, not a crash, when its connections are terminated, and recovers', async () => {
    const store = await openTestPostgresStore();
    const backgroundErrors: Error[] = [];
    try {
      const own = await openPostgresStore({ connectionString: store.schema.url, poolSize: 2, onBackgroundError: (e) => backgroundErrors.push(e) });
      await own.tokens.saveToken(token('h1'));
      await Promise.all([own.ping(), own.ping()]); // two idle connections to lose
      const { rows } = await adminQuery(
        "SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity WHERE application_name = $1 AND pid <> pg_backend_pid()",
        [store.schema.name],
      );
      assert.ok(rows[0].n >= 1);
      // Whether the next query meets a dead connection or a fresh one is a
      // race with the termination notice; either way it is never a raw pg error.
      const outcomes: string[] = [];
      for (let i = 0; i < 20; i++) {
        try {
          assert.equal((await own.tokens.findToken('h1'))?.hash, 'h1');
          outcomes.push('ok');
          break;
        } catch (error) {
          assert.ok(error instanceof StoreUnavailableError, `unexpected ${String(error)}`);
          outcomes.push('unavailable');
        }
      }
      assert.equal(outcomes.at(-1), 'ok', `never recovered: ${outcomes.join(', ')}`);
      await own.close();
    } finally {
      await store.close();
    }
  });

  it('maps the errors pg raises for a lost server to StoreUnavailableError', async () => {
    const { toStoreError } = await import('../../src/store/postgres/errors.ts');
    // A backend terminated mid-query (SQLSTATE 57P01), produced for real.
    const client = new pg.Client({ connectionString: POSTGRES_URL });
    client.on('error', () => {});
    await client.connect();
    const terminated = await client.query('SELECT pg_terminate_backend(pg_backend_pid())').catch((e: unknown) => e);
    await client.end().catch(() => {});
    assert.equal((terminated as { code?: string }).code, '57P01');
    assert.ok(toStoreError(terminated, 'db') instanceof StoreUnavailableError);
    // Nothing listens on port 1.
    const refused = await new pg.Client({ connectionString: 'postgres://postgres@127.0.0.1:1/test' }).connect().catch((e: unknown) => e);
    assert.ok(toStoreError(refused, 'db') instanceof StoreUnavailableError);
    // A bug (bad SQL) stays what it is, so it answers 500 and is logged as one.
    const syntax = await adminQuery('SELEC 1').catch((e: unknown) => e);
    assert.equal(toStoreError(syntax, 'db'), syntax);
  });
});
