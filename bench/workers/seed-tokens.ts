/**
 * Fills a migrated Tessera SQLite file with `count` opaque-token rows in one
 * transaction, shaped like what the opaque strategy stores (see the `tokens`
 * table in src/store/migrations/sqlite/001-initial.ts): a storage key as
 * src/core/tokens/storage-key.ts makes it (12 hex digits of the issue time,
 * then a base64url SHA-256), the client's tenant and id, issue and expiry
 * times in ms.
 *
 * usage: node workers/seed-tokens.ts <db> <count> <tenant> <client>
 */
import { randomBytes } from 'node:crypto';
import { DatabaseSync } from 'node:sqlite';

export function seedTokens(path: string, count: number, tenantId: string, clientId: string): { count: number; ms: number } {
  const start = performance.now();
  const db = new DatabaseSync(path);
  db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;');
  const insert = db.prepare(`INSERT INTO tokens (hash, kind, tenant_id, client_id, subject, scope, accounts, issued_at, expires_at,
    revoked_at, family_id, username) VALUES (?, 'access', ?, ?, ?, '', '[]', ?, ?, NULL, NULL, NULL)`);
  const now = Date.now();
  const batch = 65_536;
  db.exec('BEGIN IMMEDIATE');
  try {
    for (let done = 0; done < count; done += batch) {
      const n = Math.min(batch, count - done);
      const random = randomBytes(32 * n);
      for (let i = 0; i < n; i++) {
        // Issued over the last hour, each living an hour: a realistic spread of expiries.
        const issuedAt = now - Math.floor(((done + i) / count) * 3_600_000);
        const key = issuedAt.toString(16).padStart(12, '0') + random.subarray(i * 32, i * 32 + 32).toString('base64url');
        insert.run(key, tenantId, clientId, clientId, issuedAt, issuedAt + 3_600_000);
      }
    }
    db.exec('COMMIT');
  } catch (error) {
    db.exec('ROLLBACK');
    throw error;
  }
  db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
  db.close();
  return { count, ms: performance.now() - start };
}

if (import.meta.main) {
  const [path, count, tenant, client] = process.argv.slice(2);
  if (!path || !count || !tenant || !client) {
    process.stderr.write('usage: node workers/seed-tokens.ts <db> <count> <tenant> <client>\n');
    process.exit(2);
  }
  process.stdout.write(`${JSON.stringify(seedTokens(path, Number(count), tenant, client))}\n`);
}
