/**
 * Every audited change through the admin API is committed with its audit
 * entry, or not at all: with the audit insert made to fail inside the
 * database (a trigger on audit_log), each change answers a problem body and
 * leaves the data as it was; with the trigger gone, the same requests succeed
 * with their entries, and `tessera audit verify` accepts the chain. On SQLite
 * and PostgreSQL, the two stores with transactions.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { after, describe, it } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { verifyAuditChain } from '../../../src/core/audit-chain.ts';
import { openSqliteStore } from '../../../src/store/sqlite/sqlite-store.ts';
import type { Store } from '../../../src/store/store.ts';
import { json, runCli } from '../../helpers/cli.ts';
import { adminQuery, openTestPostgresStore, postgresSkip } from '../../helpers/postgres.ts';
import { TEST_KEY_ENCRYPTION_KEY } from '../../helpers/spawn-tessera.ts';
import { adminHarness, type AdminHarness } from './helpers.ts';

const dir = mkdtempSync(join(tmpdir(), 'tessera-audit-atomicity-'));
after(() => rmSync(dir, { recursive: true, force: true }));

interface Backend {
  name: string;
  skip: string | false;
  /** The store, what `--db` names for the CLI, and how to make the audit insert fail (and stop failing). */
  open(): Promise<{ store: Store; db: string; breakAudit(): Promise<void>; repairAudit(): Promise<void> }>;
}

const backends: Backend[] = [
  {
    name: 'SQLite',
    skip: false,
    open: async () => {
      const path = join(dir, 'atomicity.db');
      const store = openSqliteStore({ path });
      // Another connection changes the schema, as an operator or a fault would; the store's connection sees it at its next statement.
      const exec = (sql: string) => {
        const other = new DatabaseSync(path);
        try {
          other.exec(sql);
        } finally {
          other.close();
        }
      };
      return {
        store,
        db: path,
        breakAudit: async () => exec("CREATE TRIGGER refuse_audit BEFORE INSERT ON audit_log BEGIN SELECT RAISE(ABORT, 'audit insert refused'); END"),
        repairAudit: async () => exec('DROP TRIGGER refuse_audit'),
      };
    },
  },
  {
    name: 'PostgreSQL',
    skip: postgresSkip('audit atomicity on PostgreSQL'),
    open: async () => {
      const store = await openTestPostgresStore();
      const s = store.schema.name;
      return {
        store,
        db: store.schema.url,
        breakAudit: async () => {
          await adminQuery(`CREATE FUNCTION ${s}.refuse_audit() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'audit insert refused'; END $$`);
          await adminQuery(`CREATE TRIGGER refuse_audit BEFORE INSERT ON ${s}.audit_log FOR EACH ROW EXECUTE FUNCTION ${s}.refuse_audit()`);
        },
        repairAudit: async () => {
          await adminQuery(`DROP TRIGGER refuse_audit ON ${s}.audit_log`);
          await adminQuery(`DROP FUNCTION ${s}.refuse_audit()`);
        },
      };
    },
  },
];

const T = '/admin/v1/tenants/default';

/** Everything the audited requests below could change, read from the store. */
async function snapshot(store: Store) {
  const alice = await store.users.findUserByUsername('default', 'alice');
  return {
    tenants: (await store.tenants.listTenants()).map((t) => `${t.id}:${t.accessTokenLifetime}`),
    clients: (await store.clients.listClients('default')).map((c) => `${c.id}:${c.name}:${c.secrets.map((x) => x.hash).join(',')}`),
    users: (await store.users.pageUsers('default', { offset: 0, limit: 100 })).items.map((u) => `${u.username}:${u.role}`),
    aliceLock: alice === undefined ? undefined : await store.lockouts.getLockState('default', alice.id),
    victimLock: await store.clientLockouts.getLockState('default', 'victim'),
    numbers: (await store.accessNumbers.pageAccessNumbers('default', { offset: 0, limit: 100 })).items.map((n) => n.number),
    keys: (await store.keys.listKeys('default')).map((k) => `${k.kid}:${k.retiresAt}`),
    audit: (await store.audit.readAuditChain(undefined, 10_000)).length,
  };
}

/** The audited changes, each as a request; `kid` is a key to revoke. */
function changes(h: AdminHarness, numberId: string, kid: string): [string, () => Promise<LightMyRequestResponse>][] {
  return [
    ['tenant.create', () => h.call('POST', '/admin/v1/tenants', { body: { id: 'other', issuer: 'https://other.example.test' } })],
    ['tenant.update', () => h.call('PATCH', T, { body: { accessTokenLifetime: 77 } })],
    ['client.create', () => h.call('POST', `${T}/clients`, { body: { id: 'ghost' } })],
    ['client.update', () => h.call('PATCH', `${T}/clients/victim`, { body: { name: 'renamed' } })],
    ['client.rotate-secret', () => h.call('POST', `${T}/clients/victim/rotate-secret`, { body: {} })],
    ['client.unlock', () => h.call('DELETE', `${T}/clients/victim/lock`)],
    ['user.create', () => h.call('POST', `${T}/users`, { body: { username: 'bob', password: 'correct horse battery staple' } })],
    ['user.update', () => h.call('PATCH', `${T}/users/alice`, { body: { role: 'Reader' } })],
    ['user.unlock', () => h.call('DELETE', `${T}/users/alice/lock`)],
    ['access-number.create', () => h.call('POST', `${T}/access-numbers`, { body: { number: '+61280000002' } })],
    ['access-number.delete', () => h.call('DELETE', `${T}/access-numbers/${numberId}`)],
    ['key.rotate', () => h.call('POST', `${T}/keys/rotate`, { body: { prePublicationSeconds: 60 } })],
    ['key.revoke', () => h.call('POST', `${T}/keys/${kid}/revoke`)],
    ['user.delete', () => h.call('DELETE', `${T}/users/alice`)],
    ['client.delete', () => h.call('DELETE', `${T}/clients/victim`)],
  ];
}

for (const backend of backends) {
  describe(`audited changes commit with their entry or not at all (${backend.name})`, { skip: backend.skip }, () => {
    it('changes nothing when the entry cannot be written, answering a problem body; succeeds with every entry once it can', async () => {
      const { store, db, breakAudit, repairAudit } = await backend.open();
      try {
        const h = await adminHarness({ store });
        assert.equal((await h.call('POST', `${T}/clients`, { body: { id: 'victim', secret: 'a chosen secret' } })).statusCode, 201);
        assert.equal((await h.call('POST', `${T}/users`, { body: { username: 'alice', password: 'correct horse battery staple' } })).statusCode, 201);
        const number = (await h.call('POST', `${T}/access-numbers`, { body: { number: '+61280000001' } })).json();
        const alice = (await store.users.findUserByUsername('default', 'alice'))!;
        await store.lockouts.recordFailure('default', alice.id, { at: h.t.time.now, address: null, countSince: 0 });
        await store.lockouts.lockUntil('default', alice.id, h.t.time.now + 3_600_000);
        await store.clientLockouts.recordFailure('default', 'victim', { at: h.t.time.now, address: null, countSince: 0 });
        await store.clientLockouts.lockUntil('default', 'victim', h.t.time.now + 3_600_000);
        // The tenant's first key: the one a failed revocation must leave.
        const first = await h.call('POST', `${T}/keys/rotate`, { body: {} });
        assert.equal(first.statusCode, 200, first.body);
        const signing = first.json().key as { kid: string };

        const before = await snapshot(store);
        await breakAudit();
        for (const [action, request] of changes(h, number.id, signing.kid)) {
          const res = await request();
          assert.equal(res.statusCode, 500, `${action}: ${res.body}`);
          assert.match(String(res.headers['content-type']), /^application\/problem\+json/, action);
          assert.equal(res.json().status, 500, action);
          assert.deepEqual(await snapshot(store), before, `${action} changed nothing`);
        }
        // Still serving: a read answers.
        assert.equal((await h.call('GET', `${T}/clients/victim`)).statusCode, 200);

        await repairAudit();
        const rotated = await h.call('POST', `${T}/keys/rotate`, { body: { prePublicationSeconds: 60 } });
        assert.equal(rotated.statusCode, 200, rotated.body);
        // Revoking the pending key just made leaves the admin token's key alone.
        for (const [action, request] of changes(h, number.id, rotated.json().key.kid)) {
          const res = await request();
          assert.ok(res.statusCode >= 200 && res.statusCode < 300, `${action}: ${res.statusCode} ${res.body}`);
        }
        const after = await snapshot(store);
        assert.equal(after.users.length, 1, 'alice deleted, bob created');
        assert.deepEqual(after.clients.map((c) => c.split(':')[0]), ['admin', 'ghost']);
        assert.equal(after.aliceLock, undefined);
        const written = (await store.audit.readAuditChain(undefined, 10_000)).slice(before.audit).map((e) => e.action);
        assert.deepEqual(written, ['key.rotate', ...changes(h, number.id, '').map(([action]) => action)]);
        assert.equal((await verifyAuditChain(store.audit)).ok, true);
        const verified = await runCli(['audit', 'verify', '--db', db], { env: { TESSERA_KEY_ENCRYPTION_KEY: TEST_KEY_ENCRYPTION_KEY } });
        assert.equal(verified.code, 0, verified.stderr);
        assert.deepEqual(json<{ ok: boolean; verified: number }>(verified), { ok: true, verified: after.audit, unchained: 0 });
      } finally {
        await store.close();
      }
    });
  });
}
