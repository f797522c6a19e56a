/**
 * `tessera backup` of a live SQLite database and `tessera restore`, as an
 * operator runs them: the backup is taken by the CLI while a real server
 * issues tokens as fast as a client asks, and the restored copy, served by a
 * new server, knows every token the first one had answered before the backup
 * began.
 */
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { runCli } from '../helpers/cli.ts';
import { basic } from '../helpers/fixtures.ts';
import { startServe } from '../helpers/spawn-tessera.ts';

const dir = mkdtempSync(join(tmpdir(), 'tessera-backup-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const issue = async (url: string, secret: string) => {
  const res = await fetch(`${url}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic('svc', secret) },
    body: 'grant_type=client_credentials',
  });
  assert.equal(res.status, 200);
  return ((await res.json()) as { access_token: string }).access_token;
};

describe('tessera backup and restore', () => {
  const db = join(dir, 'live.db');
  const copy = join(dir, 'copy.db');
  let secret: string;

  it('backs up a database under write load, and the restored copy holds every token committed before the backup', async () => {
    assert.equal((await runCli(['init', '--db', db])).code, 0);
    secret = (JSON.parse((await runCli(['clients', 'create', 'svc', '--db', db, '--grants', 'client_credentials'])).stdout) as { clientSecret: string }).clientSecret;
    const server = await startServe(['--db', db, '--request-log-level', 'silent']);
    const committed: string[] = [];
    let backupStarted = false;
    const beforeBackup: string[] = [];
    let load = true;
    // Four clients issuing tokens back to back until the backup is over.
    const clients = Array.from({ length: 4 }, async () => {
      while (load) {
        const token = await issue(server.url, secret);
        committed.push(token);
        if (!backupStarted) beforeBackup.push(token);
      }
    });
    try {
      while (committed.length < 300) await new Promise((resolve) => setTimeout(resolve, 20));
      backupStarted = true;
      const backup = await runCli(['backup', copy, '--db', db]);
      const duringBackup = committed.length - beforeBackup.length;
      load = false;
      await Promise.all(clients);
      assert.equal(backup.code, 0, backup.stderr);
      const report = JSON.parse(backup.stdout) as { backup: string; schemaVersion: number; tokens: number; integrity: string; bytes: number };
      assert.equal(report.backup, copy);
      assert.equal(report.integrity, 'ok');
      assert.ok(report.schemaVersion >= 8);
      assert.ok(report.tokens >= beforeBackup.length, `${report.tokens} tokens in the copy, ${beforeBackup.length} committed before it`);
      assert.ok(duringBackup > 0, 'the server kept issuing tokens while the backup ran');
    } finally {
      load = false;
      await server.stop();
    }

    const restoredDb = join(dir, 'restored.db');
    const restore = await runCli(['restore', copy, '--db', restoredDb]);
    assert.equal(restore.code, 0, restore.stderr);
    assert.equal(JSON.parse(restore.stdout).integrity, 'ok');
    const restored = await startServe(['--db', restoredDb, '--request-log-level', 'silent']);
    try {
      const inactive: string[] = [];
      for (const token of beforeBackup) {
        const res = await fetch(`${restored.url}/oauth/introspect`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic('svc', secret) },
          body: `token=${encodeURIComponent(token)}`,
        });
        if (((await res.json()) as { active: boolean }).active !== true) inactive.push(token);
      }
      assert.deepEqual(inactive, [], `${inactive.length} of ${beforeBackup.length} committed tokens missing from the restored copy`);
    } finally {
      await restored.stop();
    }
  });

  it('replaces an existing database only with --force', async () => {
    const target = join(dir, 'existing.db');
    copyFileSync(copy, target);
    const refused = await runCli(['restore', copy, '--db', target]);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /exists; stop its servers and add --force/);
    const forced = await runCli(['restore', copy, '--db', target, '--force']);
    assert.equal(forced.code, 0, forced.stderr);
  });

  it('refuses to write over a file, to restore what is not a Tessera database, and PostgreSQL', async () => {
    const overwrite = await runCli(['backup', copy, '--db', db]);
    assert.equal(overwrite.code, 1);
    assert.match(overwrite.stderr, /exists already/);
    const junk = join(dir, 'junk.db');
    writeFileSync(junk, 'not a database at all, just some bytes that are long enough to be a header maybe');
    const bad = await runCli(['restore', junk, '--db', join(dir, 'never.db')]);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /not a (readable )?SQLite database|does not open/);
    const pg = await runCli(['backup', join(dir, 'pg.db'), '--db', 'postgres://u@127.0.0.1:1/x']);
    assert.equal(pg.code, 1);
    assert.match(pg.stderr, /pg_dump/);
  });
});
