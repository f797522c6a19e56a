/** Seed 001's config API operations, by name, through the admin API. */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { FORM } from '../helpers.ts';
import { adminHarness, type AdminHarness } from './helpers.ts';

let h: AdminHarness;
let userId: string;
before(async () => {
  h = await adminHarness();
  await h.call('POST', '/admin/v1/tenants/default/clients', { body: { id: 'app', clientType: 'public', grantTypes: ['password'] } });
});

const login = (username: string, password: string) =>
  h.app.inject({
    method: 'POST', url: '/oauth/token', headers: FORM,
    payload: new URLSearchParams({ grant_type: 'password', client_id: 'app', username, password }).toString(),
  });

describe('seed 001 operations', () => {
  it('Create User: stores the user and never echoes the password', async () => {
    const res = await h.call('POST', '/admin/v1/tenants/default/users', {
      body: { username: 'Ann@Example.com', password: 'correct horse battery', role: 'Administrator', phoneNumbers: ['+61280001234'], accounts: ['20000'] },
    });
    assert.equal(res.statusCode, 201, res.body);
    const user = res.json();
    userId = user.id;
    assert.match(userId, /^[0-9a-f-]{36}$/);
    assert.equal(res.headers.location, `/admin/v1/tenants/default/users/${userId}`);
    assert.deepEqual({ username: user.username, role: user.role, phones: user.phoneNumbers }, { username: 'Ann@Example.com', role: 'Administrator', phones: ['+61280001234'] });
    assert.ok(!res.body.includes('correct horse') && !res.body.includes('argon2'));
    assert.equal((await login('ann@example.com', 'correct horse battery')).statusCode, 200);
  });

  it('Get User Data: by id or by username', async () => {
    const byId = await h.call('GET', `/admin/v1/tenants/default/users/${userId}`);
    const byName = await h.call('GET', '/admin/v1/tenants/default/users/ANN@example.com');
    assert.equal(byId.statusCode, 200);
    assert.deepEqual(byId.json(), byName.json());
    assert.equal(byId.json().passwordHash, undefined);
  });

  it('Update User: changes only the given fields', async () => {
    const res = await h.call('PATCH', `/admin/v1/tenants/default/users/${userId}`, { body: { phoneNumbers: ['+61280001234', '+61390005678'], role: 'Operator' } });
    assert.equal(res.statusCode, 200);
    assert.deepEqual({ role: res.json().role, phones: res.json().phoneNumbers, accounts: res.json().accounts }, { role: 'Operator', phones: ['+61280001234', '+61390005678'], accounts: ['20000'] });
  });

  it('Get User Lock State and Clear User Lock State', async () => {
    for (let i = 0; i < 5; i++) assert.equal((await login('ann@example.com', 'wrong password!')).statusCode, 400);
    const locked = await h.call('GET', `/admin/v1/tenants/default/users/${userId}/lock`);
    assert.equal(locked.statusCode, 200);
    assert.equal(locked.json().locked, true);
    assert.equal(locked.json().failedCount, 5);
    assert.ok(locked.json().lockedUntil > h.t.time.now);
    assert.equal(locked.json().lastFailureAddress, '127.0.0.1');
    assert.equal((await login('ann@example.com', 'correct horse battery')).statusCode, 400, 'locked: even the right password is refused');
    const cleared = await h.call('DELETE', `/admin/v1/tenants/default/users/${userId}/lock`);
    assert.deepEqual({ locked: cleared.json().locked, failed: cleared.json().failedCount }, { locked: false, failed: 0 });
    assert.equal((await login('ann@example.com', 'correct horse battery')).statusCode, 200);
  });

  it('Export User Phone Numbers: users with their phone numbers as CSV and JSON', async () => {
    const csv = await h.call('GET', '/admin/v1/tenants/default/exports/users?format=csv');
    assert.equal(csv.statusCode, 200);
    const [header, row] = csv.body.trimEnd().split('\r\n');
    assert.equal(header, 'id,username,role,phoneNumbers,accounts,enabled');
    assert.equal(row, `${userId},Ann@Example.com,Operator,+61280001234 +61390005678,20000,true`);
    const json = await h.call('GET', '/admin/v1/tenants/default/exports/users?format=json');
    assert.deepEqual(json.json()[0].phoneNumbers, ['+61280001234', '+61390005678']);
  });

  it('Export Access Numbers: the tenant’s access numbers', async () => {
    await h.call('POST', '/admin/v1/tenants/default/access-numbers', { body: { number: '+61290001111', label: 'Sydney' } });
    const res = await h.call('GET', '/admin/v1/tenants/default/exports/access-numbers?format=json');
    assert.deepEqual(res.json().map((n: { number: string; label: string }) => [n.number, n.label]), [['+61290001111', 'Sydney']]);
  });

  it('lists users with the account filter and deletes a user, revoking their tokens', async () => {
    await h.call('POST', '/admin/v1/tenants/default/users', { body: { username: 'bob', password: 'another password', accounts: ['20001'] } });
    const filtered = await h.call('GET', '/admin/v1/tenants/default/users?account=20001');
    assert.deepEqual(filtered.json().items.map((u: { username: string }) => u.username), ['bob']);
    const token = (await login('bob', 'another password')).json().access_token;
    assert.equal((await h.call('DELETE', '/admin/v1/tenants/default/users/bob')).statusCode, 204);
    assert.equal((await h.call('GET', '/admin/v1/tenants/default/users/bob')).statusCode, 404);
    assert.equal(await h.t.tessera.services.readAccessToken(token), undefined, "the deleted user's token is revoked");
  });

  it('refuses a duplicate username with 409 and a short password naming the field', async () => {
    const dup = await h.call('POST', '/admin/v1/tenants/default/users', { body: { username: 'ANN@example.com', password: 'whatever password' } });
    assert.equal(dup.statusCode, 409);
    const short = await h.call('POST', '/admin/v1/tenants/default/users', { body: { username: 'carol', password: 'x' } });
    assert.equal(short.statusCode, 400);
    assert.equal(short.json().field, 'password');
  });

  it('audits user changes without passwords', async () => {
    const audit = await h.call('GET', '/admin/v1/tenants/default/audit?perPage=100');
    const actions = audit.json().items.map((e: { action: string }) => e.action);
    for (const action of ['user.create', 'user.update', 'user.unlock', 'user.delete']) assert.ok(actions.includes(action), action);
    assert.ok(!audit.body.includes('correct horse'));
  });
});

describe('signing keys through the admin API', () => {
  it('rotates a key, which this process signs with as soon as it activates', async () => {
    const before = (await h.call('GET', '/admin/v1/tenants/default/keys')).json().items;
    const rotated = await h.call('POST', '/admin/v1/tenants/default/keys/rotate', { body: { prePublicationSeconds: 0 } });
    assert.equal(rotated.statusCode, 200, rotated.body);
    assert.equal(rotated.json().keys.length, before.length + 1);
    assert.equal(rotated.json().key.state, 'active');
    assert.ok(!rotated.body.includes('"d"'), 'no private key material');
  });
});
