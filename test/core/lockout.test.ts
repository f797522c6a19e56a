/**
 * Brute-force lockout with a frozen clock: when a lock starts, how long it
 * lasts, what resets the count, and that a locked user cannot be told from a
 * wrong password.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, beforeEach, describe, it } from 'node:test';
import { failureCountSince, lockEndsAt } from '../../src/core/login-policy.ts';
import type { LockoutPolicy } from '../../src/core/model.ts';
import { INVALID_CREDENTIALS } from '../../src/core/users/authenticate-user.ts';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.ts';
import { createTessera } from '../../src/server/compose.ts';
import { addClient, addUser, createTestTessera, type TestTessera } from '../helpers/fixtures.ts';
import { login, publicClient, refusal } from '../helpers/user-grants.ts';

const SECOND = 1000;
const app = publicClient('app');
let t: TestTessera;
let userId: string;

async function setUp(lockout: Partial<LockoutPolicy> = {}): Promise<void> {
  t = await createTestTessera();
  await t.tenants.update('default', { loginPolicy: { lockout: { maxFailures: 3, waitIncrement: 60, maxWait: 150, failureReset: 3600, ...lockout } } }, { actor: 'test' });
  await addClient(t, { id: 'app', clientType: 'public', grantTypes: ['password'] });
  userId = (await addUser(t, { username: 'alice', password: 'right password' })).id;
}

const fail = () => refusal(login(t, 'alice', 'wrong password', app));
const succeed = () => login(t, 'alice', 'right password', app);
const lock = () => t.users.lockState('default', userId);

/** Fails `n` times in a row. */
async function failTimes(n: number): Promise<void> {
  for (let i = 0; i < n; i++) await fail();
}

/** Whether the right password gets in now. */
async function canLogIn(): Promise<boolean> {
  try {
    await succeed();
    return true;
  } catch {
    return false;
  }
}

describe('lockout arithmetic (Keycloak linear wait increments)', () => {
  const policy: LockoutPolicy = { maxFailures: 3, waitIncrement: 60, maxWait: 150, failureReset: 3600 };
  it('starts a lock at every maxFailures-th failure, k × waitIncrement long, up to maxWait', () => {
    const ends = [1, 2, 3, 4, 5, 6, 9, 12, 30].map((n) => lockEndsAt(n, 0, policy));
    assert.deepEqual(ends, [undefined, undefined, 60_000, undefined, undefined, 120_000, 150_000, 150_000, 150_000]);
  });
  it('never locks when maxFailures is 0', () => {
    assert.equal(lockEndsAt(5, 0, { ...policy, maxFailures: 0 }), undefined);
  });
  it('counts failures within failureReset of now', () => {
    assert.equal(failureCountSince(10_000_000, policy), 10_000_000 - 3_600_000);
  });
});

describe('lockout', () => {
  beforeEach(() => setUp());

  it('locks after maxFailures consecutive failures, refusing even the right password in the same words', async () => {
    const wrong = await fail();
    await failTimes(2);
    assert.deepEqual(await lock(), {
      locked: true, failedCount: 3, lockedUntil: t.time.now + 60 * SECOND, lastFailureAt: t.time.now, lastFailureAddress: '192.0.2.7',
    });
    const locked = await refusal(succeed());
    assert.deepEqual([locked.code, locked.status, locked.description, locked.headers], [wrong.code, wrong.status, INVALID_CREDENTIALS, wrong.headers]);
    assert.match(String(locked.detail), /is locked until/, 'the operator log says why');
  });

  it('says LOCKED in the log detail of the failure that starts a lock', async () => {
    await failTimes(2);
    assert.match(String((await fail()).detail), /LOCKED until 2026-01-01T12:01:00\.000Z after 3 consecutive failed passwords, the last from 192\.0\.2\.7/);
  });

  it('unlocks by itself when the lock ends, and a success resets the count', async () => {
    await failTimes(3);
    t.time.advance(60 * SECOND - 1);
    assert.equal(await canLogIn(), false, 'still locked a millisecond before the end');
    t.time.advance(1);
    assert.equal(await canLogIn(), true);
    assert.equal((await lock()).failedCount, 0);
    await failTimes(2);
    assert.equal(await canLogIn(), true, 'two failures after a success do not lock');
  });

  it('does not count or extend anything while locked', async () => {
    await failTimes(3);
    t.time.advance(30 * SECOND);
    await failTimes(5);
    assert.deepEqual(await lock(), {
      locked: true, failedCount: 3, lockedUntil: t.time.now + 30 * SECOND, lastFailureAt: t.time.now - 30 * SECOND, lastFailureAddress: '192.0.2.7',
    });
  });

  it('makes each further lockout in a row longer, up to the cap', async () => {
    const lengths = [];
    for (let i = 0; i < 4; i++) {
      await failTimes(3);
      const { lockedUntil } = await lock();
      lengths.push((lockedUntil! - t.time.now) / SECOND);
      t.time.advance(lockedUntil! - t.time.now);
    }
    assert.deepEqual(lengths, [60, 120, 150, 150]);
  });

  it('starts counting afresh after a quiet spell longer than failureReset', async () => {
    await failTimes(2);
    t.time.advance(3600 * SECOND + 1);
    await failTimes(2);
    assert.deepEqual([(await lock()).failedCount, (await lock()).locked], [2, false]);
    await fail();
    assert.equal((await lock()).locked, true);
  });

  it('starts over from the first lock length after a success', async () => {
    await failTimes(3);
    t.time.advance(60 * SECOND);
    await succeed();
    await failTimes(3);
    assert.equal((await lock()).lockedUntil, t.time.now + 60 * SECOND);
  });

  it('is cleared by an operator (tessera users unlock), keeping the last failure on record', async () => {
    await failTimes(3);
    const cleared = await t.users.unlock('default', 'alice', { actor: 'test' });
    assert.deepEqual(cleared, { locked: false, failedCount: 0, lockedUntil: null, lastFailureAt: t.time.now, lastFailureAddress: '192.0.2.7' });
    assert.equal(await canLogIn(), true);
  });

  it('never locks when the tenant sets maxFailures to 0', async () => {
    await setUp({ maxFailures: 0 });
    await failTimes(10);
    assert.deepEqual([(await lock()).failedCount, await canLogIn()], [10, true]);
  });

  it('keeps one tenant\'s policy and counts apart from another\'s', async () => {
    await t.tenants.create({ id: 'other', issuer: 'https://other.test' }, { actor: 'test' });
    await t.clients.create({ tenantId: 'other', id: 'app', clientType: 'public', grantTypes: ['password'] }, { actor: 'test' });
    await t.users.create({ tenantId: 'other', username: 'alice', password: 'other password' }, { actor: 'test' });
    await failTimes(3);
    const other = await t.tessera.services.tokenEndpoint({
      params: { grant_type: 'password', username: 'alice', password: 'other password' },
      credentials: app, tenantHint: { parameter: 'other', host: undefined, parameterRequired: false }, remoteAddress: undefined,
    });
    assert.equal(other.tenant.id, 'other');
  });
});

describe('lockout across processes sharing one database', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-lockout-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('counts failures made through two Tessera instances on one SQLite file together', async () => {
    const path = join(dir, 'shared.db');
    const first = await createTestTessera({ store: openSqliteStore({ path }) });
    await first.tenants.update('default', { loginPolicy: { lockout: { maxFailures: 4 } } }, { actor: 'test' });
    await addClient(first, { id: 'app', clientType: 'public', grantTypes: ['password'] });
    await addUser(first, { username: 'alice', password: 'right password' });
    // A second process: its own connection, its own Tessera, the same clock.
    const secondStore = openSqliteStore({ path });
    const second = { ...first, store: secondStore, tessera: createTessera({ store: secondStore, clock: first.time.clock, defaultTenantId: 'default' }) };
    try {
      for (const instance of [first, second, first, second]) await refusal(login(instance, 'alice', 'wrong password', app));
      const refused = await refusal(login(second, 'alice', 'right password', app));
      assert.match(String(refused.detail), /is locked until/);
      assert.equal((await first.users.lockState('default', 'alice')).failedCount, 4);
    } finally {
      await first.store.close();
      await secondStore.close();
    }
  });
});
