/**
 * Limits that hold across processes, end to end: `tessera serve --workers 2`
 * on one port, and two separate `tessera serve` instances, all sharing one
 * Redis (under a key prefix of this test's own) and one SQLite file. Counts
 * are exact whichever process answers; a chosen client secret failed on both
 * instances locks the client on both. Requests go over fresh connections so
 * the workers share them out; windows are an hour long, so nothing drains
 * during the test and no assertion depends on timing.
 */
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { json, runCli } from '../helpers/cli.ts';
import { basic } from '../helpers/fixtures.ts';
import { dropKeys, REDIS_URL, redisSkip, testKeyPrefix } from '../helpers/redis.ts';
import { startServe, START_TIMEOUT_MS, type TesseraProcess } from '../helpers/spawn-tessera.ts';

type Instance = TesseraProcess & { url: string };

const skip = redisSkip('the shared rate-limit tests');

/** A token request over a fresh connection (so `--workers` share them out); resolves with status and headers. */
function tokenRequest(url: string, authorization: string): Promise<{ status: number; headers: Record<string, unknown> }> {
  const { port } = new URL(url);
  const body = 'grant_type=client_credentials';
  return new Promise((resolve, reject) => {
    const req = request({
      host: '127.0.0.1', port, method: 'POST', path: '/oauth/token', agent: false,
      headers: { authorization, 'content-type': 'application/x-www-form-urlencoded', 'content-length': body.length },
    }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const count = (statuses: number[]) => ({ ok: statuses.filter((s) => s === 200).length, limited: statuses.filter((s) => s === 429).length });

describe('rate limits and lockouts shared across processes', { skip, timeout: 8 * START_TIMEOUT_MS }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-shared-'));
  const db = join(dir, 'shared.db');
  const prefix = testKeyPrefix();
  const secrets: Record<string, string> = {};
  const limits = (extra: string[] = []) => ['--db', db, '--rate-limit-store', REDIS_URL!, '--rate-limit-key-prefix', prefix, '--rate-limits', 'token=5/1h', ...extra];
  /** What an operator's shell would set to reach the same store and rules as the servers. */
  const env = () => ({ TESSERA_RATE_LIMIT_STORE: REDIS_URL!, TESSERA_RATE_LIMIT_KEY_PREFIX: prefix, TESSERA_RATE_LIMITS: 'token=5/1h' });
  const cli = async (args: string[], stdin?: string) => {
    const res = await runCli([...args, '--db', db], { stdin, env: env() });
    assert.equal(res.code, 0, res.stderr);
    return res;
  };

  before(async () => {
    await cli(['init']);
    for (const id of ['w', 'i']) secrets[id] = json<{ clientSecret: string }>(await cli(['clients', 'create', id])).clientSecret;
    await cli(['clients', 'create', 'person', '--secret-stdin'], 'a chosen secret\n');
    await cli(['tenants', 'update', 'default', '--secret-lockout-failures', '4']);
  });
  after(async () => {
    rmSync(dir, { recursive: true, force: true });
    await dropKeys(prefix);
  });

  describe('tessera serve --workers 2', () => {
    let primary: Instance;
    before(async () => {
      primary = await startServe(['--workers', '2', ...limits()], { TESSERA_LOG_LEVEL: 'info' });
      // Both workers listen before the burst.
      const deadline = Date.now() + START_TIMEOUT_MS;
      while (new Set(primary.lines.filter((l) => l.msg === 'listening').map((l) => l.pid)).size < 2 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    });
    after(async () => {
      assert.equal((await primary.stop()).code, 0);
    });

    it('lets exactly the limit through a burst, whichever worker answers', async () => {
      const answers = await Promise.all(Array.from({ length: 12 }, () => tokenRequest(primary.url, basic('w', secrets.w!))));
      assert.deepEqual(count(answers.map((a) => a.status)), { ok: 5, limited: 7 });
      const refused = answers.find((a) => a.status === 429)!;
      assert.equal(refused.headers['ratelimit-policy'], '"token";q=5;w=3600');
      assert.equal(refused.headers.ratelimit, '"token";r=0;t=720');
      const served = new Set(primary.lines.filter((l) => l.msg === 'request' && l.path === '/oauth/token').map((l) => l.pid));
      assert.equal(served.size, 2, 'both workers answered part of the burst');
    });
  });

  describe('two tessera serve instances', () => {
    let instances: Instance[] = [];
    before(async () => {
      instances = await Promise.all([0, 1].map(() => startServe(limits(), { TESSERA_LOG_LEVEL: 'info' })));
    });
    after(async () => {
      const exits = await Promise.all(instances.map((i) => i.stop()));
      assert.deepEqual(exits.map((e) => e.code), [0, 0]);
    });

    it('share one bucket per client: the limit holds across both', async () => {
      const statuses: number[] = [];
      for (let i = 0; i < 10; i++) statuses.push((await tokenRequest(instances[i % 2]!.url, basic('i', secrets.i!))).status);
      assert.deepEqual(statuses, [200, 200, 200, 200, 200, 429, 429, 429, 429, 429]);
    });

    it('show a bucket to an operator, who may reset it: the next request passes on either instance', async () => {
      const shown = json(await cli(['rate-limits', 'show', 'token', 'default/i']));
      assert.deepEqual(shown, { rule: 'token', subject: 'default/i', rate: { limit: 5, window: 3600 }, remaining: 0, resetSeconds: shown.resetSeconds, limited: true });
      const reset = json(await cli(['rate-limits', 'reset', 'token', 'default/i']));
      assert.deepEqual({ remaining: reset.remaining, limited: reset.limited }, { remaining: 5, limited: false });
      assert.equal((await tokenRequest(instances[1]!.url, basic('i', secrets.i!))).status, 200);
    });

    it('lock a chosen secret failed on either, on both, until an operator unlocks it', async () => {
      for (let i = 0; i < 4; i++) assert.equal((await tokenRequest(instances[i % 2]!.url, basic('person', `guess ${i}`))).status, 401);
      for (const instance of instances) assert.equal((await tokenRequest(instance.url, basic('person', 'a chosen secret'))).status, 401, 'locked, even with the right secret');
      const state = json(await cli(['clients', 'lock-state', 'person']));
      assert.equal(state.locked, true);
      assert.equal(state.failedCount, 4);
      await cli(['clients', 'unlock', 'person']);
      for (const instance of instances) assert.equal((await tokenRequest(instance.url, basic('person', 'a chosen secret'))).status, 200);
    });
  });
});
