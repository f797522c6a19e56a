/** `tessera keys` in-process, over a SQLite file, as an operator would run it. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { run as init } from '../../src/cli/commands/init.ts';
import { run as keys } from '../../src/cli/commands/keys.ts';
import type { CliIo } from '../../src/cli/io.ts';

const dir = mkdtempSync(join(tmpdir(), 'tessera-keys-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function io(): CliIo & { stdout: () => string; stderr: () => string } {
  let out = '';
  let err = '';
  return {
    out: (text) => void (out += text),
    err: (text) => void (err += text),
    readStdin: async () => '',
    env: {},
    stopSignal: new Promise(() => {}),
    stdout: () => out,
    stderr: () => err,
  };
}

describe('tessera keys', () => {
  const db = join(dir, 'keys.db');

  it('rotates with the configured delay, then lists the pending and the active key without key material', async () => {
    assert.equal(await init(['--db', db], io()), 0);
    const first = io();
    assert.equal(await keys(['rotate', '--db', db], first), 0, first.stderr());
    const second = io();
    assert.equal(await keys(['rotate', '--db', db, '--delay', '120'], second), 0, second.stderr());
    const rotated = JSON.parse(second.stdout());
    assert.equal(rotated.key.state, 'pending');
    assert.equal(rotated.key.activatesAt - rotated.key.createdAt, 120_000);

    const listed = io();
    assert.equal(await keys(['list', '--db', db], listed), 0);
    const views = JSON.parse(listed.stdout());
    assert.deepEqual(views.map((k: { state: string }) => k.state), ['active', 'pending']);
    assert.doesNotMatch(listed.stdout(), /"d"|privateJwk|publicJwk/);
  });

  it('answers bad usage with exit code 2 and an unknown tenant with 1', async () => {
    assert.equal(await keys(['rotate', '--db', db, '--delay', 'soon'], io()), 2);
    assert.equal(await keys(['spin', '--db', db], io()), 2);
    const missing = io();
    assert.equal(await keys(['list', '--db', db, '--tenant', 'ghost'], missing), 1);
    assert.match(missing.stderr(), /tenant 'ghost' does not exist/);
  });
});
