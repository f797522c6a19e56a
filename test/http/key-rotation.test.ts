/**
 * Key rotation across a simulated time span, with two server processes (two
 * connections to one SQLite file, one frozen clock) and an operator rotating
 * from a third connection, as `tessera keys rotate` does.
 */
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { after, describe, it } from 'node:test';
import { KeyService, RETIREMENT_LEEWAY_MS } from '../../src/admin/keys.ts';
import { DEFAULT_KEY_REFRESH_MS } from '../../src/core/tokens/signing-keys.ts';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.ts';
import type { Store } from '../../src/store/store.ts';
import { createTessera } from '../../src/server/compose.ts';
import { basic, createTestTessera, frozenClock, TEST_KEY_ENCRYPTION } from '../helpers/fixtures.ts';
import { FORM, injectableApp, issueToken } from './helpers.ts';

const dir = mkdtempSync(join(tmpdir(), 'tessera-rotation-'));
const stores: Store[] = [];
after(async () => {
  for (const s of stores) await s.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('key rotation across processes and time', () => {
  it('pre-publishes, switches every process at activation, keeps verifying old tokens, then retires the old key', async () => {
    const path = join(dir, 'rotation.db');
    const time = frozenClock();
    const open = () => {
      const s = openSqliteStore({ path });
      stores.push(s);
      return s;
    };
    const seed = await createTestTessera({ store: open() });
    const secret = (await seed.clients.create({ tenantId: 'default', id: 'svc', tokenFormat: 'jwt' }, { actor: 'test' })).clientSecret!;
    const auth = basic('svc', secret);
    // Two server processes on the same database, sharing a clock.
    const processes: FastifyInstance[] = [];
    for (let i = 0; i < 2; i++) {
      const t = { ...seed, tessera: createTessera({ store: open(), clock: time.clock, keyEncryption: TEST_KEY_ENCRYPTION }) };
      processes.push(await injectableApp(t));
    }
    const [a, b] = processes as [FastifyInstance, FastifyInstance];
    const kidOf = async (app: FastifyInstance) => decodeProtectedHeader(await issueToken(app, auth)).kid;
    const jwks = async (app: FastifyInstance) => (await app.inject({ method: 'GET', url: '/.well-known/jwks.json' })).json();
    const kids = async (app: FastifyInstance) => (await jwks(app)).keys.map((k: { kid: string }) => k.kid);
    const verifies = async (token: string, app: FastifyInstance) =>
      jwtVerify(token, createLocalJWKSet(await jwks(app)), { currentDate: new Date(time.now) }).then(() => true, () => false);
    const active = async (token: string, app: FastifyInstance) =>
      (await app.inject({ method: 'POST', url: '/oauth/introspect', headers: { ...FORM, authorization: auth }, payload: `token=${token}` })).json().active;

    // Both processes start at once and agree on one first key.
    const [kidA, kidB] = await Promise.all([kidOf(a), kidOf(b)]);
    assert.equal(kidA, kidB);
    const oldKid = kidA;
    const oldToken = await issueToken(a, auth);

    // The operator rotates with a 10-minute pre-publication delay.
    const rotated = await new KeyService(open(), time.clock).rotate('default', { prePublicationSeconds: 600 }, { actor: 'test' });
    const newKid = rotated.key.kid;
    const activation = time.now + 600_000;

    time.advance(DEFAULT_KEY_REFRESH_MS);
    for (const app of processes) {
      assert.deepEqual(await kids(app), [oldKid, newKid], 'published ahead of use');
      assert.equal(await kidOf(app), oldKid, 'the old key still signs');
    }

    time.advance(activation - time.now);
    for (const app of processes) assert.equal(await kidOf(app), newKid, 'every process switches at the activation instant');
    assert.equal(await verifies(await issueToken(b, auth), a), true);
    assert.equal(await verifies(oldToken, b), true, 'tokens of the old key keep verifying');
    assert.equal(await active(oldToken, b), true);

    // The old key's last token (signed just before activation) expires one lifetime later; the key stays until then.
    time.advance(3600_000);
    assert.deepEqual(await kids(a), [oldKid, newKid]);
    time.advance(RETIREMENT_LEEWAY_MS);
    for (const app of processes) assert.deepEqual(await kids(app), [newKid], 'the retired key left the JWKS');
    assert.equal(await verifies(await issueToken(a, auth), b), true, 'the new key signs and verifies on');
    assert.equal(rotated.keys.find((k) => k.kid === oldKid)?.retiresAt, time.now);
  });
});
