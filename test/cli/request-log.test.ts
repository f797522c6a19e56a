/**
 * What `tessera serve` logs, as an operator reads its output: one
 * `listening` line per start, one `request` line per request carrying the
 * request id the answer carries, at the configured level, and successful
 * requests to the high-rate endpoints sampled when asked (failures always).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { runCli } from '../helpers/cli.ts';
import { basic } from '../helpers/fixtures.ts';
import { startServe } from '../helpers/spawn-tessera.ts';

const dir = mkdtempSync(join(tmpdir(), 'tessera-request-log-'));
after(() => rmSync(dir, { recursive: true, force: true }));

async function setUp(name: string): Promise<{ db: string; secret: string }> {
  const db = join(dir, `${name}.db`);
  assert.equal((await runCli(['init', '--db', db])).code, 0);
  const created = await runCli(['clients', 'create', 'svc', '--db', db, '--grants', 'client_credentials']);
  return { db, secret: (JSON.parse(created.stdout) as { clientSecret: string }).clientSecret };
}

const issue = (url: string, secret: string) =>
  fetch(`${url}/oauth/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic('svc', secret) }, body: 'grant_type=client_credentials' });

describe('request and start-up log lines', () => {
  it('writes one listening line, and one line per request with its request id, sampling successful token requests one in N', async () => {
    const { db, secret } = await setUp('sampled');
    const server = await startServe(['--db', db, '--request-log-sample-every', '4']);
    try {
      const ids: string[] = [];
      for (let i = 0; i < 8; i++) {
        const res = await issue(server.url, secret);
        assert.equal(res.status, 200);
        ids.push(res.headers.get('x-request-id')!);
      }
      const failed = await issue(server.url, 'wrong');
      assert.equal(failed.status, 401);
      const health = await fetch(`${server.url}/health/live`);
      await server.waitForLine((l) => l.msg === 'request' && l.reqId === health.headers.get('x-request-id'));
      const requests = server.lines.filter((l) => l.msg === 'request');
      const tokenLines = requests.filter((l) => l.route === 'token');
      assert.deepEqual(tokenLines.filter((l) => l.status === 200).map((l) => l.reqId), [ids[3], ids[7]], 'every fourth success');
      assert.deepEqual(tokenLines.filter((l) => l.status === 401).map((l) => l.reqId), [failed.headers.get('x-request-id')], 'failures always');
      assert.equal(requests.filter((l) => l.route === 'health').length, 1, 'other routes are not sampled');
      assert.equal(server.lines.filter((l) => l.msg === 'listening').length, 1);
      assert.doesNotMatch(server.stdout(), /Server listening at/);
    } finally {
      await server.stop();
    }
  });

  it('logs requests at the configured level: debug lines are not written at info', async () => {
    const { db, secret } = await setUp('levels');
    const server = await startServe(['--db', db, '--request-log-level', 'debug']);
    try {
      assert.equal((await issue(server.url, secret)).status, 200);
      assert.equal((await issue(server.url, 'wrong')).status, 401);
      await new Promise((resolve) => setTimeout(resolve, 200));
      assert.deepEqual(server.lines.filter((l) => l.msg === 'request'), []);
    } finally {
      await server.stop();
    }
    const verbose = await startServe(['--db', db, '--request-log-level', 'debug', '--log-level', 'debug']);
    try {
      const res = await issue(verbose.url, secret);
      const line = await verbose.waitForLine((l) => l.msg === 'request');
      assert.equal(line.level, 20);
      assert.equal(line.reqId, res.headers.get('x-request-id'));
    } finally {
      await verbose.stop();
    }
  });
});
