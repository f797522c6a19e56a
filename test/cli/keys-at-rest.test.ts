/**
 * Private signing keys at rest, through the real commands: the SQLite files
 * and the generated key-encryption key are private to their owner, the
 * database holds only sealed private halves, a wrong key stops the start
 * with a message naming both keys, `tessera keys rewrap` moves the keys to a
 * new key-encryption key, and keys stored in plaintext by an earlier version
 * are sealed at the first start. On PostgreSQL the same, with the key from
 * the environment (there is no default).
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { DatabaseSync } from 'node:sqlite';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { exportJWK, generateKeyPair } from 'jose';
import { json, runCli } from '../helpers/cli.ts';
import { adminQuery, createTestSchema, postgresSkip } from '../helpers/postgres.ts';
import { spawnTessera, startServe } from '../helpers/spawn-tessera.ts';

const dir = mkdtempSync(join(tmpdir(), 'tessera-keys-at-rest-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const fresh = () => join(dir, `db-${n++}.db`);

const mode = (path: string) => (statSync(path).mode & 0o777).toString(8);
const storedPrivateHalves = (db: string) => {
  const sqlite = new DatabaseSync(db, { readOnly: true });
  try {
    return (sqlite.prepare('SELECT kid, private_key FROM signing_keys WHERE private_key IS NOT NULL').all() as { kid: string; private_key: string }[]);
  } finally {
    sqlite.close();
  }
};
const jwksKids = async (url: string) => ((await (await fetch(`${url}/.well-known/jwks.json`)).json()) as { keys: { kid: string }[] }).keys.map((k) => k.kid).sort();

async function failedStart(args: string[], env: Record<string, string> = {}) {
  const proc = spawnTessera(['serve', '--port', '0', ...args], env);
  const { code } = await proc.exited;
  return { code, stderr: proc.stderr() };
}

describe('signing keys at rest (SQLite)', () => {
  it('creates the database, its WAL and shared-memory files and a generated key-encryption key readable by the owner alone, and says so', async () => {
    const db = fresh();
    const server = await startServe(['--db', db]);
    try {
      assert.equal(await fetch(`${server.url}/.well-known/jwks.json`).then((r) => r.status), 200);
      for (const file of [db, `${db}-wal`, `${db}-shm`, `${db}.kek`]) {
        assert.ok(existsSync(file), `${file} exists`);
        assert.equal(mode(file), '600', `${file} is 0600`);
      }
      const said = server.lines.find((l) => String(l.msg).startsWith('generated the key-encryption key'));
      assert.equal(said?.keyEncryptionKeyFile, `${db}.kek`);
    } finally {
      await server.stop();
    }
    const rows = storedPrivateHalves(db);
    assert.ok(rows.length > 0);
    for (const row of rows) {
      assert.doesNotMatch(row.private_key, /"d"/, 'no private exponent in the database');
      assert.match(row.private_key, /"kty":"tessera-sealed"/);
      assert.match(row.private_key, /"enc":"A256GCM"/);
    }
  });

  it('refuses to start under another key-encryption key, naming both, and starts again under the right one', async () => {
    const db = fresh();
    assert.equal((await runCli(['init', '--db', db])).code, 0);
    assert.equal((await runCli(['keys', 'rotate', '--db', db])).code, 0);
    const right = readFileSync(`${db}.kek`, 'utf8').trim();
    const wrong = randomBytes(32).toString('base64');
    const refused = await failedStart(['--db', db], { TESSERA_KEY_ENCRYPTION_KEY: wrong });
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /cannot start: signing key \S+ of tenant 'default' is sealed under key-encryption key \S+, but the configured key is \S+/);
    const cli = await runCli(['keys', 'list', '--db', db], { env: { TESSERA_KEY_ENCRYPTION_KEY: wrong } });
    assert.equal(cli.code, 1);
    assert.match(cli.stderr, /^error: signing key .* is sealed under key-encryption key/);
    const server = await startServe(['--db', db], { TESSERA_KEY_ENCRYPTION_KEY: right });
    await server.stop();
    const bad = await failedStart(['--db', db], { TESSERA_KEY_ENCRYPTION_KEY: 'too-short' });
    assert.match(bad.stderr, /keyEncryptionKey \(TESSERA_KEY_ENCRYPTION_KEY\) must hold a 256-bit key in base64/);
  });

  it('rewraps every private key under a new key-encryption key, which then opens them and the old one does not', async () => {
    const db = fresh();
    assert.equal((await runCli(['init', '--db', db])).code, 0);
    assert.equal((await runCli(['tenants', 'create', 'acme', '--db', db])).code, 0);
    assert.equal((await runCli(['keys', 'rotate', '--tenant', 'acme', '--db', db])).code, 0);
    assert.equal((await runCli(['keys', 'rotate', '--db', db])).code, 0);
    const before = storedPrivateHalves(db);
    const oldKey = readFileSync(`${db}.kek`, 'utf8').trim();
    const newFile = join(dir, `new-${n}.kek`);
    const rewrapped = json<{ rewrapped: number; from: string; to: string; keyFile: string }>(await runCli(['keys', 'rewrap', '--new-key-file', newFile, '--db', db]));
    assert.equal(rewrapped.rewrapped, before.length);
    assert.notEqual(rewrapped.from, rewrapped.to);
    assert.equal(mode(newFile), '600');
    const after = storedPrivateHalves(db);
    assert.deepEqual(after.map((r) => r.kid), before.map((r) => r.kid));
    for (const [i, row] of after.entries()) {
      assert.notEqual(row.private_key, before[i]!.private_key);
      assert.match(row.private_key, new RegExp(`"kek":"${rewrapped.to}"`));
    }
    // Run again: nothing left to do.
    assert.equal(json<{ rewrapped: number; unchanged: number }>(await runCli(['keys', 'rewrap', '--new-key-file', newFile, '--db', db], { env: { TESSERA_KEY_ENCRYPTION_KEY_FILE: newFile } })).unchanged, before.length);
    assert.match((await failedStart(['--db', db], { TESSERA_KEY_ENCRYPTION_KEY: oldKey })).stderr, /sealed under key-encryption key/);
    assert.equal((await runCli(['keys', 'list', '--db', db], { env: { TESSERA_KEY_ENCRYPTION_KEY_FILE: newFile } })).code, 0);
    const server = await startServe(['--db', db, '--key-encryption-key-file', newFile]);
    try {
      const token = await fetch(`${server.url}/t/acme/.well-known/jwks.json`);
      assert.equal(token.status, 200);
      assert.ok((await jwksKids(server.url)).length >= 1);
    } finally {
      await server.stop();
    }
  });

  it('rewraps a database on its default key file by replacing that file', async () => {
    const db = fresh();
    assert.equal((await runCli(['init', '--db', db])).code, 0);
    const oldKey = readFileSync(`${db}.kek`, 'utf8');
    const result = json<{ rewrapped: number; keyFile: string }>(await runCli(['keys', 'rewrap', '--db', db]));
    assert.equal(result.keyFile, `${db}.kek`);
    assert.notEqual(readFileSync(`${db}.kek`, 'utf8'), oldKey);
    assert.equal(mode(`${db}.kek`), '600');
    assert.equal((await runCli(['keys', 'list', '--db', db])).code, 0);
  });

  it('seals private keys an earlier version stored in plaintext, at the first start with a key-encryption key', async () => {
    const db = fresh();
    assert.equal((await runCli(['init', '--db', db])).code, 0);
    rmSync(`${db}.kek`);
    // What the database of an earlier version holds: a plaintext JWK with its "d".
    const { privateKey } = await generateKeyPair('ES256', { extractable: true });
    const plain = JSON.stringify({ ...(await exportJWK(privateKey)), kid: 'legacy', alg: 'ES256', use: 'sig' });
    const sqlite = new DatabaseSync(db);
    sqlite.prepare('DELETE FROM signing_keys').run();
    sqlite.prepare("INSERT INTO signing_keys (kid, tenant_id, alg, private_key, public_jwk, created_at, generation, activates_at) VALUES ('legacy', 'default', 'ES256', ?, '{}', 1, 1, 1)").run(plain);
    sqlite.close();
    assert.match(storedPrivateHalves(db)[0]!.private_key, /"d"/);
    const listed = await runCli(['keys', 'list', '--db', db]);
    assert.equal(listed.code, 0, listed.stderr);
    assert.match(listed.stderr, /generated the key-encryption key/);
    assert.match(listed.stderr, /sealed 1 private signing key\(s\) stored in plaintext/);
    const [row] = storedPrivateHalves(db);
    assert.equal(row!.kid, 'legacy');
    assert.doesNotMatch(row!.private_key, /"d"/);
    assert.match(row!.private_key, /"kty":"tessera-sealed"/);
  });
});

describe('signing keys at rest (PostgreSQL)', { skip: postgresSkip('keys at rest on PostgreSQL') }, () => {
  it('needs a key-encryption key, seals the keys under it and refuses another', async () => {
    const schema = await createTestSchema();
    try {
      const noKey = await failedStart(['--db', schema.url], { TESSERA_KEY_ENCRYPTION_KEY: '' });
      assert.equal(noKey.code, 1);
      assert.match(noKey.stderr, /PostgreSQL needs a key-encryption key shared by every instance/);
      const server = await startServe(['--db', schema.url]);
      await server.stop();
      const rows = (await adminQuery(`SELECT private_key FROM ${schema.name}.signing_keys`)).rows as { private_key: string }[];
      assert.ok(rows.length > 0);
      for (const row of rows) {
        assert.doesNotMatch(row.private_key, /"d"/);
        assert.match(row.private_key, /"kty":"tessera-sealed"/);
      }
      const refused = await failedStart(['--db', schema.url], { TESSERA_KEY_ENCRYPTION_KEY: randomBytes(32).toString('base64') });
      assert.match(refused.stderr, /is sealed under key-encryption key \S+, but the configured key is/);
    } finally {
      await schema.drop();
    }
  });
});
