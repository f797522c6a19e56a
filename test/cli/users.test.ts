/**
 * `tessera users`, `tenants update` and public clients, run as an operator
 * runs them: the real CLI in child processes on a SQLite file, and a running
 * `tessera serve` whose lockout the CLI reads and clears from another process.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { json, runCli, startCliServer } from '../helpers/cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'tessera-cli-users-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const freshDb = () => join(dir, `users-${n++}.db`);

describe('tessera users', () => {
  it('creates, shows, lists, updates and deletes users, never printing a password or its hash', async () => {
    const db = freshDb();
    await runCli(['init', '--db', db]);
    const created = await runCli(['users', 'create', 'Alice@Example.com', '--password-stdin', '--role', 'Administrator', '--phones', '+1 555 0100', '--accounts', '20000', '--db', db], { stdin: 'correct horse\n' });
    assert.equal(created.code, 0, created.stderr);
    const alice = json(created);
    assert.match(String(alice.id), /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.deepEqual(
      { username: alice.username, role: alice.role, phoneNumbers: alice.phoneNumbers, accounts: alice.accounts, enabled: alice.enabled },
      { username: 'Alice@Example.com', role: 'Administrator', phoneNumbers: ['+1 555 0100'], accounts: ['20000'], enabled: true },
    );
    assert.ok(!created.stdout.includes('correct horse') && !created.stdout.includes('argon2'));

    const fromEnv = await runCli(['users', 'create', 'bob', '--password-env', 'BOB_PASSWORD', '--db', db], { env: { BOB_PASSWORD: 'bob password' } });
    assert.equal(fromEnv.code, 0, fromEnv.stderr);

    const shown = json(await runCli(['users', 'show', 'ALICE@example.com', '--db', db]));
    assert.equal(shown.id, alice.id);
    assert.deepEqual(shown.lock, { locked: false, failedCount: 0, lockedUntil: null, lastFailureAt: null, lastFailureAddress: null });
    assert.equal(json(await runCli(['users', 'show', String(alice.id), '--db', db])).username, 'Alice@Example.com', 'found by id too');

    assert.deepEqual(json<{ username: string }[]>(await runCli(['users', 'list', '--db', db])).map((u) => u.username), ['Alice@Example.com', 'bob']);
    assert.deepEqual(json<{ username: string }[]>(await runCli(['users', 'list', '--offset', '1', '--limit', '1', '--db', db])).map((u) => u.username), ['bob']);

    const updated = json(await runCli(['users', 'update', 'bob', '--username', 'robert', '--role', 'Reader', '--disable', '--db', db]));
    assert.deepEqual([updated.username, updated.role, updated.enabled], ['robert', 'Reader', false]);
    const newPassword = await runCli(['users', 'update', 'robert', '--password-stdin', '--db', db], { stdin: 'new password\n' });
    assert.equal(newPassword.code, 0, newPassword.stderr);

    assert.equal((await runCli(['users', 'delete', 'robert', '--db', db])).code, 0);
    const gone = await runCli(['users', 'show', 'robert', '--db', db]);
    assert.equal(gone.code, 1);
    assert.match(gone.stderr, /user 'robert' does not exist in tenant 'default'/);
  });

  const refusals: { name: string; args: string[]; stdin?: string; code: number; message: RegExp }[] = [
    { name: 'a password on the command line', args: ['users', 'create', 'eve', '--password', 'hunter22'], code: 2, message: /^unknown option --password \(did you mean --password-env\?\)/ },
    { name: 'a create without any password', args: ['users', 'create', 'eve'], code: 2, message: /needs --password-stdin or --password-env/ },
    { name: 'a short password', args: ['users', 'create', 'eve', '--password-stdin'], stdin: 'short\n', code: 1, message: /password: must have at least 8 characters/ },
    { name: 'a username with white space at its end', args: ['users', 'create', 'eve ', '--password-stdin'], stdin: 'long enough\n', code: 1, message: /username: must be 1-256 characters/ },
    { name: 'a phone number that is not one', args: ['users', 'create', 'eve', '--password-stdin', '--phones', 'call me'], stdin: 'long enough\n', code: 2, message: /--phones must be a phone number/ },
    { name: '--enable with --disable', args: ['users', 'update', 'eve', '--enable', '--disable'], code: 2, message: /one of --enable and --disable/ },
  ];
  let initialised: string;
  for (const r of refusals) {
    it(`refuses ${r.name}`, async () => {
      if (initialised === undefined) {
        initialised = freshDb();
        await runCli(['init', '--db', initialised]);
      }
      const res = await runCli([...r.args, '--db', initialised], { stdin: r.stdin });
      assert.equal(res.code, r.code, res.stderr);
      assert.match(res.stderr, r.message);
    });
  }

  it('refuses a second user with the same username in any letter case', async () => {
    const db = freshDb();
    await runCli(['init', '--db', db]);
    await runCli(['users', 'create', 'carol', '--password-stdin', '--db', db], { stdin: 'carol password' });
    const again = await runCli(['users', 'create', 'CAROL', '--password-stdin', '--db', db], { stdin: 'carol password' });
    assert.equal(again.code, 1);
    assert.match(again.stderr, /already exists/);
  });
});

describe('tessera tenants update and public clients', () => {
  it('sets a tenant\'s login policy, checking that the default public client exists and is public', async () => {
    const db = freshDb();
    await runCli(['init', '--db', db]);
    const missing = await runCli(['tenants', 'update', 'default', '--default-public-client', 'app', '--db', db]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /loginPolicy\.defaultPublicClient: must name a public client/);
    const client = json<{ client: Record<string, unknown>; clientSecret?: string }>(
      await runCli(['clients', 'create', 'app', '--public', '--grants', 'password,refresh_token', '--single-active-token', '--db', db]),
    );
    assert.deepEqual([client.client.clientType, client.client.singleActiveToken, client.client.secrets, client.clientSecret], ['public', true, [], undefined]);
    const updated = json<{ loginPolicy: Record<string, unknown> }>(await runCli([
      'tenants', 'update', 'default', '--default-public-client', 'app', '--lockout-failures', '3', '--lockout-wait', '30',
      '--lockout-max-wait', '600', '--lockout-reset', '3600', '--refresh-lifetime', '86400', '--refresh-grace', '5', '--db', db,
    ]));
    assert.deepEqual(updated.loginPolicy, {
      lockout: { maxFailures: 3, waitIncrement: 30, maxWait: 600, failureReset: 3600 },
      refreshTokenLifetime: 86400, refreshTokenReuseGrace: 5, defaultPublicClient: 'app',
    });
    const cleared = json<{ loginPolicy: Record<string, unknown> }>(await runCli(['tenants', 'update', 'default', '--no-default-public-client', '--db', db]));
    assert.equal(cleared.loginPolicy.defaultPublicClient, null);
    const bad = await runCli(['tenants', 'update', 'default', '--lockout-max-wait', '10', '--db', db]);
    assert.match(bad.stderr, /loginPolicy\.lockout\.maxWait: must be at least lockout\.waitIncrement \(30\)/);
  });

  it('refuses a public client with client credentials or a secret', async () => {
    const db = freshDb();
    await runCli(['init', '--db', db]);
    const cc = await runCli(['clients', 'create', 'p1', '--public', '--db', db]);
    assert.match(cc.stderr, /grantTypes: a public client cannot use client_credentials/);
    const secret = await runCli(['clients', 'create', 'p2', '--public', '--grants', 'password', '--secret-stdin', '--db', db], { stdin: 'a secret value' });
    assert.match(secret.stderr, /secret: a public client has no secret/);
  });
});

describe('lockout seen from a running server and the CLI', () => {
  it('logs the lock, shows it to `users lock-state` in another process and lifts it with `users unlock`', async () => {
    const db = freshDb();
    const cli = (args: string[], stdin?: string) => runCli([...args, '--db', db], { stdin });
    await cli(['init']);
    await cli(['clients', 'create', 'app', '--public', '--grants', 'password']);
    await cli(['tenants', 'update', 'default', '--default-public-client', 'app', '--lockout-failures', '2']);
    await cli(['users', 'create', 'alice', '--password-stdin'], 'right password');
    const server = await startCliServer(['--db', db]);
    try {
      const login = (password: string) => fetch(`${server.url}/oauth/token`, {
        method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'password', username: 'alice', password }),
      });
      for (let i = 0; i < 2; i++) assert.equal((await login('Guess-4711')).status, 400);
      assert.equal((await login('right password')).status, 400, 'locked');

      const logged = server.logs.find((l) => l.msg === 'request refused' && /LOCKED until/.test(String(l.detail)));
      assert.ok(logged, 'the lock is in the log');
      assert.match(String(logged.detail), /user [0-9a-f-]{36} \(alice\) LOCKED until .* after 2 consecutive failed passwords, the last from 127\.0\.0\.1/);
      assert.ok(!JSON.stringify(server.logs).includes('Guess-4711'), 'passwords are never logged');

      const state = json(await cli(['users', 'lock-state', 'alice']));
      assert.deepEqual([state.locked, state.failedCount, state.lastFailureAddress], [true, 2, '127.0.0.1']);
      assert.equal(json(await cli(['users', 'unlock', 'alice'])).locked, false);
      assert.equal((await login('right password')).status, 200);
    } finally {
      assert.equal(await server.stop(), 0);
    }
  });
});
