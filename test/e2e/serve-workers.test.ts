/**
 * `tessera serve --workers 2` as an operator runs it (spawned CLI, real
 * sockets, a SQLite file): two workers on one port, a killed worker replaced,
 * SIGTERM stopping everything gracefully.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { isAlive, spawnTessera, START_TIMEOUT_MS, type LogLine } from '../helpers/spawn-tessera.ts';

const dir = mkdtempSync(join(tmpdir(), 'tessera-workers-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const listening = (l: LogLine) => l.msg === 'listening';

describe('tessera serve --workers', { timeout: 4 * START_TIMEOUT_MS }, () => {
  it('serves from two workers on one port, replaces a killed one, and stops all on SIGTERM', async () => {
    const primary = spawnTessera(['serve', '--workers', '2', '--port', '0', '--db', join(dir, 'cluster.db')]);
    try {
      await primary.waitForLine((l) => l.msg === 'cluster primary started');
      await primary.waitForLine(() => primary.lines.filter(listening).length === 2);
      const [first, second] = primary.lines.filter(listening);
      assert.notEqual(first!.pid, second!.pid);
      assert.equal(first!.url, second!.url, 'workers share the port');
      const url = String(first!.url);
      const health = await fetch(`${url}/healthz`);
      assert.equal(health.status, 200);
      assert.deepEqual(await health.json(), { status: 'ok', store: 'sqlite', rateLimitStore: { kind: 'memory', available: true } });

      const victim = Number(first!.pid);
      process.kill(victim, 'SIGKILL');
      const exited = await primary.waitForLine((l) => l.msg === 'worker exited unexpectedly; restarting it');
      assert.equal(exited.workerPid, victim);
      assert.equal(exited.signal, 'SIGKILL');
      const replacement = await primary.waitForLine((l) => listening(l) && l.pid !== first!.pid && l.pid !== second!.pid);
      assert.equal(replacement.url, url);
      assert.equal((await fetch(`${url}/healthz`)).status, 200);

      const workers = [Number(second!.pid), Number(replacement.pid)];
      const { code } = await primary.stop('SIGTERM');
      assert.equal(code, 0, primary.stderr());
      assert.equal(primary.lines.filter((l) => l.msg === 'shutting down').length, 2, 'each worker shut down gracefully');
      assert.deepEqual(primary.lines.find((l) => l.msg === 'cluster stopped')?.forced, 0);
      assert.deepEqual(workers.filter(isAlive), []);
    } finally {
      await primary.stop('SIGKILL');
    }
  });

  it('refuses :memory: with several workers: they would not share it', async () => {
    const primary = spawnTessera(['serve', '--workers', '2', '--port', '0', '--db', ':memory:']);
    const { code } = await primary.exited;
    assert.equal(code, 1);
    assert.match(primary.stderr(), /workers above 1 needs a database the workers share/);
  });
});
