/**
 * The server's SQLite store checkpoints its WAL from a worker thread, so the
 * event loop never runs a checkpoint's copy and fsync inside a request.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { after, describe, it } from 'node:test';
import { DEFAULT_AUTOCHECKPOINT_PAGES, FALLBACK_AUTOCHECKPOINT_PAGES, startBackgroundCheckpointer } from '../../src/store/sqlite/checkpointer.ts';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.ts';
import { token } from '../../src/store/contract.ts';

const dir = mkdtempSync(join(tmpdir(), 'tessera-checkpointer-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

const until = async (condition: () => boolean, what: string) => {
  const deadline = Date.now() + 10_000;
  while (!condition()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
};

describe('background WAL checkpoints (SQLite)', () => {
  it('copies committed pages into the database file from a worker, while the serving connection stays below its own threshold', async () => {
    const path = join(dir, `c-${n++}.db`);
    const store = openSqliteStore({ path, checkpointIntervalMs: 20 });
    assert.ok(store.checkpointer, 'the server store starts a checkpointer');
    const before = statSync(path).size;
    // A few hundred pages of WAL: far below the serving connection's fallback of 10,000, so only the worker checkpoints them.
    for (let i = 0; i < 2000; i++) await store.tokens.saveToken(token(`h${String(i).padStart(6, '0')}${'x'.repeat(100)}`));
    await until(() => {
      const s = store.checkpointer!.stats();
      return s.walFrames > 0 && s.checkpointedFrames === s.walFrames;
    }, 'a pass that checkpointed the whole WAL');
    assert.ok(statSync(path).size > before, 'the database file itself grew: the pages were copied into it');
    assert.equal(store.checkpointer!.stats().running, true);
    await store.close();
    assert.equal(store.checkpointer!.stats().running, false, 'closing the store stops the worker');
  });

  it("raises the serving connection's own threshold while the worker runs, and gives SQLite's default back when it stops", async () => {
    const store = openSqliteStore({ path: join(dir, `c-${n++}.db`), checkpointIntervalMs: 50 });
    assert.equal(store.checkpointer!.servingThreshold(), FALLBACK_AUTOCHECKPOINT_PAGES);
    await store.checkpointer!.stop();
    assert.equal(store.checkpointer!.servingThreshold(), DEFAULT_AUTOCHECKPOINT_PAGES);
    await store.close();
  });

  it('reports a worker that cannot work, and falls back to SQLite’s own checkpoints', async () => {
    const db = new DatabaseSync(join(dir, `c-${n++}.db`));
    db.exec('PRAGMA journal_mode = WAL');
    const errors: Error[] = [];
    const checkpointer = startBackgroundCheckpointer(db, { path: join(dir, 'no-such-dir', 'x.db'), intervalMs: 20, onError: (e) => errors.push(e) });
    await until(() => !checkpointer.stats().running, 'the failed worker to exit');
    assert.ok(errors.length > 0, 'the failure was reported');
    assert.match(errors[0]!.message, /unable to open|no such/i);
    assert.equal(checkpointer.servingThreshold(), DEFAULT_AUTOCHECKPOINT_PAGES);
    await checkpointer.stop();
    db.close();
  });

  it('starts no worker for :memory: or without an interval (CLI commands)', async () => {
    const memory = openSqliteStore({ path: ':memory:', checkpointIntervalMs: 20 });
    assert.equal(memory.checkpointer, undefined);
    await memory.close();
    const cli = openSqliteStore({ path: join(dir, `c-${n++}.db`) });
    assert.equal(cli.checkpointer, undefined);
    await cli.close();
  });
});
