/**
 * The admin API as an operator uses it: `tessera init`, an admin token with
 * curl, a user created over the API, locked by failed logins, its lock state
 * read and cleared, and a successful login, all against a real
 * `tessera serve` over sockets.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { json, runCli, startCliServer, type CliServer } from '../helpers/cli.ts';
import { curl } from '../helpers/curl.ts';

const dir = mkdtempSync(join(tmpdir(), 'tessera-admin-e2e-'));
const db = join(dir, 'admin.db');
let server: CliServer;
let token: string;

before(async () => {
  const init = json(await runCli(['init', '--db', db]));
  server = await startCliServer(['--db', db]);
  const res = await curl(['-u', `admin:${init.clientSecret}`, '-d', 'grant_type=client_credentials', '-d', 'scope=admin', `${server.url}/oauth/token`]);
  assert.equal(res.status, 200, res.body);
  token = JSON.parse(res.body).access_token;
});

after(async () => {
  if (server) assert.equal(await server.stop(), 0);
  rmSync(dir, { recursive: true, force: true });
});

const admin = (method: string, path: string, body?: unknown) =>
  curl(['-X', method, '-H', `Authorization: Bearer ${token}`, ...(body ? ['-H', 'Content-Type: application/json', '--data-raw', JSON.stringify(body)] : []), `${server.url}/admin/v1${path}`]);
const login = (password: string) =>
  curl(['--data-urlencode', 'grant_type=password', '--data-urlencode', 'client_id=mobile-app', '--data-urlencode', 'username=ann@example.com', '--data-urlencode', `password=${password}`, `${server.url}/oauth/token`]);

describe('an operator manages a locked-out user over the admin API', () => {
  it('creates an app and a user, sees the lockout, clears it, and the user logs in', async () => {
    assert.equal((await admin('POST', '/tenants/default/clients', { id: 'mobile-app', clientType: 'public', grantTypes: ['password'] })).status, 201);
    const created = await admin('POST', '/tenants/default/users', { username: 'ann@example.com', password: 'correct horse battery', phoneNumbers: ['+61280001234'] });
    assert.equal(created.status, 201, created.body);

    for (let i = 0; i < 5; i++) {
      const failed = await login('not the password');
      assert.equal(failed.status, 400);
      assert.equal(JSON.parse(failed.body).error, 'invalid_grant');
    }
    const refused = await login('correct horse battery');
    assert.equal(refused.status, 400, 'a locked user is refused even with the right password');
    assert.equal(refused.body, (await login('not the password')).body, 'and cannot tell it from a wrong password');

    const lock = JSON.parse((await admin('GET', '/tenants/default/users/ann@example.com/lock')).body);
    assert.equal(lock.locked, true);
    assert.ok(lock.failedCount >= 5);
    assert.equal(lock.lastFailureAddress, '127.0.0.1');

    const cleared = JSON.parse((await admin('DELETE', '/tenants/default/users/ann@example.com/lock')).body);
    assert.deepEqual({ locked: cleared.locked, failedCount: cleared.failedCount }, { locked: false, failedCount: 0 });

    const ok = await login('correct horse battery');
    assert.equal(ok.status, 200, ok.body);
    assert.match(JSON.parse(ok.body).access_token, /^tat_/);
    assert.ok(server.logs.some((l) => String(l.msg).includes('lock') || JSON.stringify(l).includes('locked')), 'the lock is visible in the logs');
  });
});
