import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { after, describe, it } from 'node:test';
import type { TokenRecord } from '../../src/core/model.ts';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.ts';

const dir = mkdtempSync(join(tmpdir(), 'tessera-group-commit-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const open = () => {
  const path = join(dir, `gc-${n++}.db`);
  return { path, store: openSqliteStore({ path }) };
};
const NOW = 1_700_000_000_000;
const token = (hash: string, overrides: Partial<TokenRecord> = {}): TokenRecord => ({
  hash, kind: 'access', tenantId: 't1', clientId: 'c1', subject: 'c1', scope: [], accounts: [],
  issuedAt: NOW, expiresAt: NOW + 3600_000, revokedAt: null, familyId: null, username: null, ...overrides,
});
const rows = (path: string) => {
  const db = new DatabaseSync(path, { readOnly: true });
  const count = (db.prepare('SELECT COUNT(*) AS n FROM tokens').get() as { n: number }).n;
  db.close();
  return count;
};

describe('sqlite token store group commit', () => {
  it('stores every record saved in one turn, each visible to another connection once its save resolves', async () => {
    const { path, store } = open();
    await Promise.all(Array.from({ length: 50 }, (_, i) => store.tokens.saveToken(token(`h${i}`))));
    assert.equal(rows(path), 50);
    await store.close();
  });

  it('fails only the duplicate when one record of a batch collides', async () => {
    const { path, store } = open();
    await store.tokens.saveToken(token('dup'));
    const results = await Promise.allSettled([store.tokens.saveToken(token('a')), store.tokens.saveToken(token('dup')), store.tokens.saveToken(token('b'))]);
    assert.deepEqual(results.map((r) => r.status), ['fulfilled', 'rejected', 'fulfilled']);
    assert.equal(rows(path), 3);
    await store.close();
  });

  it('writes queued saves before a revocation, so a revocation called after a save includes it', async () => {
    const { store } = open();
    const saved = store.tokens.saveToken(token('x', { subject: 'u1' }));
    assert.equal(await store.tokens.revokeSubjectTokens('t1', 'c1', 'u1', NOW + 1), 1);
    await saved;
    assert.equal((await store.tokens.findToken('x'))?.revokedAt, NOW + 1);
    await store.close();
  });

  it('writes queued saves when the store closes', async () => {
    const { path, store } = open();
    const saved = store.tokens.saveToken(token('late'));
    await store.close();
    await saved;
    assert.equal(rows(path), 1);
  });
});
