/**
 * The hostile generator (generator.ts) against a real `tessera serve` on
 * SQLite, on PostgreSQL and on SQLite under `--workers 2`, a few hundred
 * requests each so `npm test` stays fast: no answer is a 5xx, no exchange
 * outlasts the server's own timeouts, the server logs no error line and
 * stays up. The large run is `npm run hostile -- --count 100000`
 * (docs/security.md, "Hostile input").
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { postgresSkip } from '../helpers/postgres.ts';
import { errorLines, HOSTILE_EXCHANGE_TIMEOUT_MS, runHostile, startHostileTarget, type HostileStore } from './run.ts';

const COUNT = Number(process.env.TESSERA_HOSTILE_COUNT ?? 300);
/** Fixed, so every run sends the same requests; TESSERA_HOSTILE_SEED tries others, and a failure names its replay command. */
const SEED = Number(process.env.TESSERA_HOSTILE_SEED ?? 1);

const dir = mkdtempSync(join(tmpdir(), 'tessera-hostile-'));
after(() => rmSync(dir, { recursive: true, force: true }));

for (const [store, skip] of [['sqlite', false], ['postgres', postgresSkip('the hostile run on PostgreSQL')], ['workers', false]] as [HostileStore, string | false][]) {
  describe(`hostile requests against tessera serve (${store})`, { skip, timeout: 180_000 }, () => {
    it(`answers ${COUNT} generated requests with no 5xx and no timeout, and stays up`, async () => {
      const target = await startHostileTarget(store, dir);
      try {
        const summary = await runHostile({ url: target.server.url, count: COUNT, seed: SEED, credentials: target.credentials, concurrency: 16, timeoutMs: HOSTILE_EXCHANGE_TIMEOUT_MS });
        console.log(`# ${store} seed ${SEED}: ${JSON.stringify({ ...summary, fiveXx: summary.fiveXx.length, timeouts: summary.timeouts.length })}`);
        assert.deepEqual(summary.fiveXx, [], `replay: npm run hostile -- --store ${store} --seed ${SEED} --count ${COUNT}`);
        assert.deepEqual(summary.timeouts, []);
        assert.equal(target.server.child.exitCode, null, 'the server is still running');
        assert.deepEqual(errorLines(target.server), []);
      } finally {
        await target.close();
      }
    });
  });
}
