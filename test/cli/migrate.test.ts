/** `tessera migrate` on both engines, run in-process. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { after, describe, it } from 'node:test';
import { run } from '../../src/cli/commands/migrate.ts';
import { POSTGRES_MIGRATIONS } from '../../src/store/migrations/postgres/index.ts';
import { SQLITE_MIGRATIONS } from '../../src/store/migrations/sqlite/index.ts';
import { captureIo } from '../helpers/capture-io.ts';
import { adminQuery, createTestSchema, postgresSkip } from '../helpers/postgres.ts';

const dir = mkdtempSync(join(tmpdir(), 'tessera-migrate-'));
after(() => rmSync(dir, { recursive: true, force: true }));

async function migrate(...args: string[]) {
  const io = captureIo();
  const code = await run(args, io);
  return { code, io, result: code === 0 ? JSON.parse(io.stdout()) : undefined };
}

const listed = (migrations: readonly { version: number; name: string }[]) => migrations.map(({ version, name }) => ({ version, name }));

describe('tessera migrate', () => {
  it('migrates a new SQLite file, then finds nothing to do', async () => {
    const path = join(dir, 'new.db');
    const first = await migrate('--db', path);
    assert.equal(first.code, 0, first.io.stderr());
    assert.deepEqual(first.result, { database: path, store: 'sqlite', from: 0, to: SQLITE_MIGRATIONS.length, applied: listed(SQLITE_MIGRATIONS) });
    const again = await migrate('--db', path);
    assert.deepEqual(again.result.applied, []);
    assert.equal(again.result.from, SQLITE_MIGRATIONS.length);
  });

  it('refuses a SQLite file whose schema is newer, naming the file', async () => {
    const path = join(dir, 'future.db');
    await migrate('--db', path);
    const db = new DatabaseSync(path);
    db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, ?, 0)').run('future');
    db.close();
    const { code, io } = await migrate('--db', path);
    assert.equal(code, 1);
    assert.match(io.stderr(), new RegExp(`tessera migrate: cannot migrate ${path.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: database schema version 999 is newer`));
  });

  it('writes a line for each migration as it is applied', async () => {
    const { io } = await migrate('--db', join(dir, 'lines.db'));
    assert.deepEqual(io.stderr().trim().split('\n'), SQLITE_MIGRATIONS.map((m) => `applied migration ${m.version}: ${m.name}`));
  });

  it('status lists applied and pending migrations without applying any, exiting 3 while some are pending', async () => {
    const path = join(dir, 'status.db');
    const none = await migrate('status', '--db', path);
    assert.equal(none.code, 3);
    const before = JSON.parse(none.io.stdout());
    assert.deepEqual({ ...before, pending: before.pending.length }, { database: path, version: 0, latest: SQLITE_MIGRATIONS.length, applied: [], pending: SQLITE_MIGRATIONS.length });
    assert.equal((await migrate('status', '--db', path)).code, 3, 'status created nothing and applied nothing');
    await migrate('--db', path);
    const after = await migrate('status', '--db', path);
    assert.equal(after.code, 0);
    assert.deepEqual(after.result.pending, []);
    assert.deepEqual(after.result.applied.map((m: { version: number; name: string }) => ({ version: m.version, name: m.name })), listed(SQLITE_MIGRATIONS));
    assert.match(after.result.applied[0].appliedAt, /^\d{4}-\d{2}-\d{2}T/);
    // One step undone by hand: it is pending again.
    const db = new DatabaseSync(path);
    db.prepare('DELETE FROM schema_migrations WHERE version = ?').run(SQLITE_MIGRATIONS.length);
    db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, ?, 0)').run('future');
    db.close();
    const mixed = await migrate('status', '--db', path);
    assert.equal(mixed.code, 1);
    assert.deepEqual(JSON.parse(mixed.io.stdout()).pending, [listed(SQLITE_MIGRATIONS).at(-1)]);
    assert.match(mixed.io.stderr(), /migrations this build does not know \(999\)/);
  });

  it('rejects a stray argument with the usage text', async () => {
    const { code, io } = await migrate('now');
    assert.equal(code, 2);
    assert.match(io.stderr(), /usage: tessera migrate/);
  });

  describe('on PostgreSQL', { skip: postgresSkip('tessera migrate on PostgreSQL') }, () => {
    it('migrates a fresh schema, records the version, and prints the URL without its password', async () => {
      const schema = await createTestSchema();
      try {
        const fresh = await migrate('status', '--db', schema.url);
        assert.equal(fresh.code, 3);
        assert.equal(JSON.parse(fresh.io.stdout()).pending.length, POSTGRES_MIGRATIONS.length);
        const url = new URL(schema.url);
        url.password = 'pw-that-must-not-leak';
        const first = await migrate('--db', url.toString());
        assert.equal(first.code, 0, first.io.stderr());
        assert.equal(first.result.store, 'postgres');
        assert.deepEqual(first.result.applied, listed(POSTGRES_MIGRATIONS));
        assert.match(first.result.database, /:\*\*\*@/);
        assert.doesNotMatch(first.io.stdout(), /pw-that-must-not-leak/);
        const { rows } = await adminQuery(`SELECT max(version) AS v FROM ${schema.name}.schema_migrations`);
        assert.equal(rows[0].v, POSTGRES_MIGRATIONS.length);
        assert.deepEqual((await migrate('--db', schema.url)).result.applied, []);
        const status = await migrate('status', '--db', url.toString());
        assert.equal(status.code, 0, status.io.stderr());
        assert.equal(status.result.applied.length, POSTGRES_MIGRATIONS.length);
        assert.doesNotMatch(status.io.stdout(), /pw-that-must-not-leak/);
      } finally {
        await schema.drop();
      }
    });
  });
});
