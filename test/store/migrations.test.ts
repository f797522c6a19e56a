/**
 * The versioned schema mechanism both SQL engines share: one planning rule,
 * and migration lists that stay in step (same versions, same names), so a
 * schema version means the same tables on SQLite and PostgreSQL.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pendingMigrations, type Migration } from '../../src/store/migrations/migration.ts';
import { POSTGRES_MIGRATIONS } from '../../src/store/migrations/postgres/index.ts';
import { SQLITE_MIGRATIONS } from '../../src/store/migrations/sqlite/index.ts';

const steps = (n: number): Migration[] => Array.from({ length: n }, (_, i) => ({ version: i + 1, name: `step ${i + 1}`, sql: '' }));

describe('migrations', () => {
  it('plans the steps after the current version', () => {
    assert.deepEqual(pendingMigrations(steps(3), 0).map((m) => m.version), [1, 2, 3]);
    assert.deepEqual(pendingMigrations(steps(3), 2).map((m) => m.version), [3]);
    assert.deepEqual(pendingMigrations(steps(3), 3), []);
  });

  it('refuses a database newer than the build', () => {
    assert.throws(() => pendingMigrations(steps(2), 3), /schema version 3 is newer than this Tessera \(2\)/);
  });

  it('refuses a list with a gap or out of order', () => {
    const gap = [...steps(1), { version: 3, name: 'gap', sql: '' }];
    assert.throws(() => pendingMigrations(gap, 0), /migration gap has version 3, expected 2/);
  });

  it('has a PostgreSQL migration for every SQLite migration, with the same version and name', () => {
    const describe = (list: readonly Migration[]) => list.map((m) => `${m.version} ${m.name}`);
    const missing = describe(SQLITE_MIGRATIONS).filter((m) => !describe(POSTGRES_MIGRATIONS).includes(m));
    assert.deepEqual(missing, [], 'port these to src/store/migrations/postgres/ (same version and name, PostgreSQL SQL)');
    assert.deepEqual(describe(POSTGRES_MIGRATIONS), describe(SQLITE_MIGRATIONS));
  });
});
