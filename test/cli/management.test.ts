/** The management commands, run as a user runs them: the real CLI in a child process on a SQLite file. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { json, runCli } from '../helpers/cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'tessera-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const freshDb = () => join(dir, `cli-${n++}.db`);

describe('tessera init', () => {
  it('creates the database, the default tenant and an admin client, showing the secret once', async () => {
    const db = freshDb();
    const first = await runCli(['init', '--db', db]);
    assert.equal(first.code, 0, first.stderr);
    const created = json(first);
    assert.equal(created.tenant, 'default');
    assert.equal(created.clientId, 'admin');
    assert.match(String(created.clientSecret), /^tcs_/);
    assert.equal(created.scope, 'admin');

    const again = await runCli(['init', '--db', db]);
    assert.equal(again.code, 0);
    assert.equal(again.stdout, '');
    assert.match(again.stderr, /already initialised/);
    assert.ok(!again.stderr.includes(String(created.clientSecret)));
  });
});

describe('tessera tenants', () => {
  it('creates, lists and shows tenants, and refuses a duplicate', async () => {
    const db = freshDb();
    await runCli(['migrate', '--db', db]);
    const created = json(await runCli(['tenants', 'create', 'example.com', '--issuer', 'https://example.com', '--alg', 'RS256', '--lifetime', '600', '--db', db]));
    assert.deepEqual(
      { id: created.id, issuer: created.issuer, alg: created.signingAlg, lifetime: created.accessTokenLifetime },
      { id: 'example.com', issuer: 'https://example.com', alg: 'RS256', lifetime: 600 },
    );
    assert.deepEqual(json<{ id: string }[]>(await runCli(['tenants', 'list', '--db', db])).map((t) => t.id), ['example.com']);
    assert.equal(json(await runCli(['tenants', 'show', 'example.com', '--db', db])).id, 'example.com');
    const duplicate = await runCli(['tenants', 'create', 'example.com', '--db', db]);
    assert.equal(duplicate.code, 1);
    assert.match(duplicate.stderr, /already exists/);
  });
  it('names the flag at fault, as a usage mistake', async () => {
    const bad = await runCli(['tenants', 'create', 'x', '--alg', 'HS256', '--db', freshDb()]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--alg must be one of ES256, RS256, EdDSA/);
  });
});

describe('tessera clients', () => {
  it('creates a client with a generated secret shown once and listed only as dates', async () => {
    const db = freshDb();
    await runCli(['init', '--db', db]);
    const created = json<{ client: Record<string, unknown>; clientSecret: string }>(
      await runCli(['clients', 'create', 'svc', '--scopes', 'read,write', '--accounts', '20000,20001', '--format', 'jwt', '--lifetime', '120', '--db', db]),
    );
    assert.match(created.clientSecret, /^tcs_/);
    assert.deepEqual(created.client.scopes, ['read', 'write']);
    assert.deepEqual(created.client.accounts, ['20000', '20001']);
    const listed = await runCli(['clients', 'list', '--db', db]);
    assert.ok(!listed.stdout.includes(created.clientSecret));
    assert.ok(!listed.stdout.includes('sha256$'), 'hashes are not shown either');
    assert.deepEqual(json<{ id: string }[]>(listed).map((c) => c.id), ['admin', 'svc']);
  });

  it('takes an operator-chosen secret from stdin or the environment, never argv', async () => {
    const db = freshDb();
    await runCli(['init', '--db', db]);
    const fromStdin = await runCli(['clients', 'create', 'username', '--secret-stdin', '--db', db], { stdin: 'password\n' });
    assert.equal(fromStdin.code, 0, fromStdin.stderr);
    assert.equal(json(fromStdin).clientSecret, undefined, 'a chosen secret is not echoed');
    const fromEnv = await runCli(['clients', 'create', 'other', '--secret-env', 'MY_SECRET', '--db', db], { env: { MY_SECRET: 'long-enough-secret' } });
    assert.equal(fromEnv.code, 0, fromEnv.stderr);
    const tooShort = await runCli(['clients', 'create', 'weak', '--secret-stdin', '--db', db], { stdin: 'short' });
    assert.equal(tooShort.code, 1);
    assert.match(tooShort.stderr, /secret: must have at least 8 characters/);
    const argv = await runCli(['clients', 'create', 'x', '--secret', 'password', '--db', db]);
    assert.equal(argv.code, 2, 'there is no --secret flag');
  });

  it('rotates a secret, shows and deletes clients, and reports unknown ones', async () => {
    const db = freshDb();
    await runCli(['init', '--db', db]);
    json(await runCli(['clients', 'create', 'svc', '--db', db]));
    const rotated = json<{ clientSecret: string; client: { secrets: unknown[] } }>(await runCli(['clients', 'rotate-secret', 'svc', '--overlap', '60', '--db', db]));
    assert.match(rotated.clientSecret, /^tcs_/);
    assert.equal(rotated.client.secrets.length, 2, 'the old secret overlaps for 60 s');
    assert.equal(json(await runCli(['clients', 'show', 'svc', '--db', db])).id, 'svc');
    assert.equal((await runCli(['clients', 'delete', 'svc', '--db', db])).code, 0);
    const missing = await runCli(['clients', 'show', 'svc', '--db', db]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /client 'svc' does not exist in tenant 'default'/);
  });

  it('refuses a client in a tenant that does not exist', async () => {
    const db = freshDb();
    await runCli(['init', '--db', db]);
    const res = await runCli(['clients', 'create', 'svc', '--tenant', 'nowhere', '--db', db]);
    assert.equal(res.code, 1);
    assert.match(res.stderr, /tenant 'nowhere' does not exist/);
  });
});

describe('usage', () => {
  it('exits 2 for an unknown command (pointing to --help), and with usage for an unknown action or flag', async () => {
    const command = await runCli(['frobnicate']);
    assert.equal(command.code, 2);
    assert.match(command.stderr, /unknown command 'frobnicate'\nRun 'tessera --help' for the commands/);
    for (const args of [['clients', 'explode', '--db', freshDb()], ['clients', 'list', '--bogus']]) {
      const res = await runCli(args);
      assert.equal(res.code, 2, args.join(' '));
      assert.match(res.stderr, /usage/);
    }
  });
  it('reports a configuration mistake at start-up, naming the key', async () => {
    const res = await runCli(['serve', '--port', 'eighty']);
    assert.equal(res.code, 2);
    const env = await runCli(['clients', 'list', '--db', freshDb()], { env: { TESSERA_LOG_LEVEL: 'loud' } });
    assert.equal(env.code, 1);
    assert.match(env.stderr, /configuration: logLevel must be one of/);
  });
});
