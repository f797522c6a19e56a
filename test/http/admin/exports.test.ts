/** Exports: CSV and JSON, and 100,000 rows streamed in bounded memory from SQLite. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { csvCell } from '../../../src/http/admin/csv.ts';
import { openSqliteStore } from '../../../src/store/sqlite/sqlite-store.ts';
import { createTestTessera, TEST_CHANGE } from '../../helpers/fixtures.ts';
import { injectableApp } from '../helpers.ts';
import { adminHarness, type AdminHarness } from './helpers.ts';
import { AUDITED } from '../../../src/store/contract.ts';

describe('CSV cells', () => {
  it('quotes separators and quotes, and defuses formulas but not E.164 numbers', () => {
    assert.equal(csvCell('a,b'), '"a,b"');
    assert.equal(csvCell('say "hi"'), '"say ""hi"""');
    assert.equal(csvCell('line\nbreak'), '"line\nbreak"');
    assert.equal(csvCell('=HYPERLINK("x")'), '"\'=HYPERLINK(""x"")"');
    assert.equal(csvCell('@SUM(A1)'), "'@SUM(A1)");
    assert.equal(csvCell('-1+cmd|" /C calc"!A0'), `"'-1+cmd|"" /C calc""!A0"`);
    assert.equal(csvCell('+61280001234 +61390005678'), '+61280001234 +61390005678');
    assert.equal(csvCell('+61280001234'), '+61280001234');
    assert.equal(csvCell(['a', 'b']), 'a b');
    assert.equal(csvCell(null), '');
  });
});

describe('access number export', () => {
  let h: AdminHarness;
  before(async () => {
    h = await adminHarness();
    for (const [number, label] of [['+61280000002', 'Sydney, main'], ['+61280000001', '=evil()']]) {
      await h.call('POST', '/admin/v1/tenants/default/access-numbers', { body: { number, label } });
    }
  });
  it('exports CSV with a header row, in number order', async () => {
    const res = await h.call('GET', '/admin/v1/tenants/default/exports/access-numbers?format=csv');
    assert.equal(res.statusCode, 200);
    assert.match(String(res.headers['content-type']), /^text\/csv/);
    assert.match(String(res.headers['content-disposition']), /filename="access-numbers.csv"/);
    const lines = res.body.trimEnd().split('\r\n');
    assert.equal(lines[0], 'id,number,label,createdAt');
    assert.match(lines[1]!, /^[0-9a-f-]{36},\+61280000001,'=evil\(\),2026-01-01T12:00:00.000Z$/);
    assert.match(lines[2]!, /,\+61280000002,"Sydney, main",/);
  });
  it('exports JSON as an array of objects (the default format)', async () => {
    const res = await h.call('GET', '/admin/v1/tenants/default/exports/access-numbers');
    assert.deepEqual(res.json().map((n: { number: string }) => n.number), ['+61280000001', '+61280000002']);
  });
  it('refuses an unknown format', async () => {
    const res = await h.call('GET', '/admin/v1/tenants/default/exports/access-numbers?format=xml');
    assert.equal(res.statusCode, 400);
    assert.equal(res.json().field, 'format');
  });
});

describe('a 100,000-user export (Export User Phone Numbers)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-export-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('streams from the store only as fast as the client reads (backpressure), so memory holds a batch, not the file', async () => {
    const store = openSqliteStore({ path: join(dir, 'export.db') });
    const t = await createTestTessera({ store });
    const ROWS = 100_000;
    // Bulk load through the store contract in one transaction would need SQL; rows are inserted one by one (a few seconds).
    // Users are written straight to the store: 100,000 argon2id hashes would take an hour, and the export never reads them.
    for (let i = 0; i < ROWS; i++) {
      await store.users.createUser({
        tenantId: 'default', id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`, username: `user${String(i).padStart(6, '0')}@example.com`,
        passwordHash: '$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaA', role: `Operator ${'x'.repeat(150)}`,
        phoneNumbers: [`+612${String(i).padStart(8, '0')}`, `+613${String(i).padStart(8, '0')}`], accounts: ['20000'], attributes: {}, enabled: true, createdAt: 0, updatedAt: 0,
      }, AUDITED);
    }
    // Count rows the export pulls from the store, to see when the first bytes leave relative to the reads.
    let pulled = 0;
    const iterate = store.users.iterateUsers.bind(store.users);
    store.users.iterateUsers = async function* (tenantId: string) {
      for await (const row of iterate(tenantId)) {
        pulled++;
        yield row;
      }
    };
    const created = await t.clients.create({ tenantId: 'default', id: 'admin', scopes: ['admin'] }, TEST_CHANGE);
    const app = await injectableApp(t);
    const url = await app.listen({ port: 0, host: '127.0.0.1' });
    try {
      const tokenRes = await fetch(`${url}/oauth/token`, {
        method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: `grant_type=client_credentials&client_id=admin&client_secret=${created.clientSecret}`,
      });
      const token = (await tokenRes.json()).access_token;
      const res = await fetch(`${url}/admin/v1/tenants/default/exports/users?format=csv`, { headers: { authorization: `Bearer ${token}` } });
      assert.equal(res.status, 200);
      let bytes = 0;
      let lines = 0;
      let pulledWhilePaused = -1;
      for await (const chunk of res.body!) {
        if (pulledWhilePaused === -1) {
          // Stop reading for a while: a streaming server stops pulling rows once the socket buffers are full.
          await new Promise((resolve) => setTimeout(resolve, 300));
          pulledWhilePaused = pulled;
        }
        bytes += chunk.length;
        for (const byte of chunk) if (byte === 0x0a) lines++;
      }
      assert.equal(lines, ROWS + 1, 'header plus every row');
      assert.ok(bytes > 20_000_000, `the export is larger than any socket buffer (${bytes} bytes)`);
      assert.ok(pulledWhilePaused < ROWS / 2, `while the client paused, the server had read ${pulledWhilePaused} of ${ROWS} rows: it waits for the client`);
    } finally {
      await app.close();
      await store.close();
    }
  });
});
