/** The user management service the CLI and the admin API share. */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { AdminError } from '../../src/admin/admin-error.ts';
import { verifyPassword } from '../../src/core/users/passwords.ts';
import { addClient, addUser, createTestTessera, type TestTessera } from '../helpers/fixtures.ts';
import { isRevoked, login, publicClient } from '../helpers/user-grants.ts';

let t: TestTessera;

before(async () => {
  t = await createTestTessera();
  await addClient(t, { id: 'app', clientType: 'public', grantTypes: ['password', 'refresh_token'] });
});

async function rejectsWith(promise: Promise<unknown>, kind: AdminError['kind'], message: RegExp): Promise<void> {
  await assert.rejects(promise, (e: unknown) => {
    assert.ok(e instanceof AdminError, String(e));
    assert.equal(e.kind, kind);
    assert.match(e.message, message);
    return true;
  });
}

describe('user service', () => {
  it('stores an argon2id hash of the NFC-normalised password and never shows it', async () => {
    const created = await addUser(t, { username: 'Zoë', password: 'cafe\u0301 au lait' });
    assert.equal(created.username, 'Zoë', 'kept as given');
    assert.equal('passwordHash' in created, false);
    const stored = (await t.store.users.getUser('default', created.id))!;
    assert.match(stored.passwordHash, /^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    assert.equal(await verifyPassword(t.tessera.argon2, 'caf\u00e9 au lait', stored.passwordHash), true, 'composed and decomposed é are one password');
    assert.equal((await login(t, 'ZOE\u0308', 'caf\u00e9 au lait', publicClient('app'))).subject, created.id, 'and one username');
  });

  it('defaults the role to User, with no phone numbers or accounts, enabled', async () => {
    const created = await addUser(t, { username: 'plain', password: 'plain password' });
    assert.deepEqual([created.role, created.phoneNumbers, created.accounts, created.enabled], ['User', [], [], true]);
  });

  it('finds a user by id in any letter case or by username', async () => {
    const created = await addUser(t, { username: 'finder', password: 'finder password' });
    assert.equal((await t.users.get('default', created.id.toUpperCase())).username, 'finder');
    assert.equal((await t.users.get('default', 'FINDER')).id, created.id);
    await rejectsWith(t.users.get('default', 'nobody'), 'not_found', /user 'nobody' does not exist/);
    await rejectsWith(t.users.get('nowhere', 'finder'), 'not_found', /tenant 'nowhere' does not exist/);
  });

  it('refuses a rename onto a taken username with a conflict', async () => {
    await addUser(t, { username: 'taken', password: 'taken password' });
    await addUser(t, { username: 'mover', password: 'mover password' });
    await rejectsWith(t.users.update('default', 'mover', { username: 'TAKEN' }, { actor: 'test' }), 'conflict', /already exists/);
  });

  it("revokes the user's tokens when disabled and when deleted, but not for a role change", async () => {
    const user = await addUser(t, { username: 'leaver', password: 'leaver password' });
    const first = await login(t, 'leaver', 'leaver password', publicClient('app'));
    await t.users.update('default', user.id, { role: 'Auditor' }, { actor: 'test' });
    assert.equal(await isRevoked(t, first.accessToken), false);
    await t.users.update('default', user.id, { enabled: false }, { actor: 'test' });
    assert.equal(await isRevoked(t, first.accessToken), true);
    assert.equal(await isRevoked(t, first.refreshToken!), true);

    await t.users.update('default', user.id, { enabled: true }, { actor: 'test' });
    const second = await login(t, 'leaver', 'leaver password', publicClient('app'));
    await t.users.delete('default', 'leaver', { actor: 'test' });
    assert.equal(await isRevoked(t, second.accessToken), true);
    await rejectsWith(t.users.lockState('default', 'leaver'), 'not_found', /does not exist/);
  });

  const invalid: [string, Parameters<TestTessera['users']['create']>[0], RegExp][] = [
    ['an empty username', { tenantId: 'default', username: '', password: 'long enough' }, /^username:/],
    ['a username with a control character', { tenantId: 'default', username: 'a\u0007b', password: 'long enough' }, /^username:/],
    ['a username over 256 characters', { tenantId: 'default', username: 'u'.repeat(257), password: 'long enough' }, /^username:/],
    ['a seven-character password', { tenantId: 'default', username: 'v', password: '1234567' }, /^password: must have at least 8/],
    ['a password over 1024 bytes', { tenantId: 'default', username: 'v', password: 'é'.repeat(513) }, /^password: must be at most 1024 bytes/],
    ['a role with a newline', { tenantId: 'default', username: 'v', password: 'long enough', role: 'a\nb' }, /^role:/],
    ['an account with a space', { tenantId: 'default', username: 'v', password: 'long enough', accounts: ['2 0'] }, /^accounts\[0\]:/],
  ];
  for (const [name, input, message] of invalid) {
    it(`refuses ${name}, naming the field`, async () => {
      await rejectsWith(t.users.create(input, { actor: 'test' }), 'invalid', message);
    });
  }

  it('pages the list and refuses a nonsense page size', async () => {
    const page = await t.users.list('default', { offset: 0, limit: 2 });
    assert.equal(page.length, 2);
    await rejectsWith(t.users.list('default', { limit: 0 }), 'invalid', /^limit:/);
  });
});
