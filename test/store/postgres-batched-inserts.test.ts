/**
 * The PostgreSQL token store inserts the records saved in one event-loop turn
 * with one statement, each caller resolving only once its row is stored.
 * Needs TESSERA_TEST_POSTGRES_URL.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TokenRecord } from '../../src/core/model.ts';
import { PostgresDatabase } from '../../src/store/postgres/database.ts';
import { openPostgresStore } from '../../src/store/postgres/postgres-store.ts';
import { PostgresTokenStore } from '../../src/store/postgres/tokens.ts';
import { adminQuery, createTestSchema, postgresSkip, type TestSchema } from '../helpers/postgres.ts';

const skip = postgresSkip('the PostgreSQL batched insert tests');
const NOW = 1_700_000_000_000;
const token = (hash: string, overrides: Partial<TokenRecord> = {}): TokenRecord => ({
  hash, kind: 'access', tenantId: 't1', clientId: 'c1', subject: 'c1', scope: ['read'], accounts: ['20000'],
  issuedAt: NOW, expiresAt: NOW + 3600_000, revokedAt: null, familyId: null, username: null, ...overrides,
});

async function withStore(run: (store: Awaited<ReturnType<typeof openPostgresStore>>, schema: TestSchema) => Promise<void>): Promise<void> {
  const schema = await createTestSchema();
  const store = await openPostgresStore({ connectionString: schema.url });
  try {
    await run(store, schema);
  } finally {
    await store.close();
    await schema.drop();
  }
}

const count = async (schema: TestSchema) => Number((await adminQuery(`SELECT count(*) AS n FROM ${schema.name}.tokens`)).rows[0].n);

describe('postgres token store: batched inserts', { skip }, () => {
  it('stores every record saved in one turn with one statement, each visible to another connection once its save resolves', async () => {
    await withStore(async (_store, schema) => {
      // A token store over a database whose statements the test counts.
      const db = new PostgresDatabase({ connectionString: schema.url, poolSize: 2 });
      const statements: string[] = [];
      const counting = Object.assign(Object.create(db), {
        query: (sql: Parameters<PostgresDatabase['query']>[0], values?: unknown[]) => {
          statements.push(typeof sql === 'string' ? sql : sql.text);
          return db.query(sql, values);
        },
      }) as PostgresDatabase;
      const tokens = new PostgresTokenStore(counting);
      try {
        await Promise.all(Array.from({ length: 50 }, (_, i) => tokens.saveToken(token(`h${i}`))));
        assert.equal(await count(schema), 50, 'every row is stored once the saves resolve');
        assert.equal(statements.filter((s) => s.startsWith('INSERT INTO tokens')).length, 1, 'one statement for the turn');
        assert.deepEqual(await tokens.findToken('h49'), token('h49'));
        await Promise.all([tokens.saveToken(token('next-1')), tokens.saveToken(token('next-2'))]);
        assert.equal(statements.filter((s) => s.startsWith('INSERT INTO tokens')).length, 2, 'and one more for the next turn');
      } finally {
        await db.end();
      }
    });
  });

  it('fails only the duplicate when one record of a batch collides', async () => {
    await withStore(async (store, schema) => {
      await store.tokens.saveToken(token('dup'));
      const results = await Promise.allSettled([store.tokens.saveToken(token('a')), store.tokens.saveToken(token('dup')), store.tokens.saveToken(token('b'))]);
      assert.deepEqual(results.map((r) => r.status), ['fulfilled', 'rejected', 'fulfilled']);
      assert.equal(await count(schema), 3);
    });
  });

  it('writes queued saves before a read or a revocation called after them', async () => {
    await withStore(async (store) => {
      const saved = store.tokens.saveToken(token('x', { subject: 'u1' }));
      assert.equal((await store.tokens.findToken('x'))?.hash, 'x', 'a read called after the save sees it');
      const another = store.tokens.saveToken(token('y', { subject: 'u1' }));
      assert.equal(await store.tokens.revokeSubjectTokens('t1', 'c1', 'u1', NOW + 1), 2);
      await Promise.all([saved, another]);
      assert.equal((await store.tokens.findToken('y'))?.revokedAt, NOW + 1);
    });
  });

  it('writes queued saves when the store closes', async () => {
    const schema = await createTestSchema();
    try {
      const store = await openPostgresStore({ connectionString: schema.url });
      const saved = store.tokens.saveToken(token('late'));
      await store.close();
      await saved;
      assert.equal(await count(schema), 1);
    } finally {
      await schema.drop();
    }
  });
});
