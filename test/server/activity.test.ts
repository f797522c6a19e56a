/**
 * The admin API's activity route against two real `tessera serve` processes
 * on one SQLite file: tokens issued and error answers counted by each
 * instance come back together, per minute, every minute of the window
 * present; bad windows and unknown tenants get problems.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { TenantActivity } from '../../src/admin/activity.ts';
import { runCli } from '../helpers/cli.ts';
import { basic } from '../helpers/fixtures.ts';
import { startServe, type TesseraProcess } from '../helpers/spawn-tessera.ts';

const dir = mkdtempSync(join(tmpdir(), 'tessera-activity-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('activity counted by every instance on one database', () => {
  const servers: (TesseraProcess & { url: string })[] = [];
  let adminSecret: string;
  let secret: string;

  before(async () => {
    const db = join(dir, 'shared.db');
    adminSecret = (JSON.parse((await runCli(['init', '--db', db])).stdout) as { clientSecret: string }).clientSecret;
    secret = (JSON.parse((await runCli(['clients', 'create', 'svc', '--db', db, '--grants', 'client_credentials'])).stdout) as { clientSecret: string }).clientSecret;
    for (let i = 0; i < 2; i++) servers.push(await startServe(['--db', db, '--activity-flush-ms', '100']));
  });
  after(async () => {
    for (const server of servers) await server.stop();
  });

  const token = (url: string, id: string, password: string, body = 'grant_type=client_credentials') =>
    fetch(`${url}/oauth/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic(id, password) }, body });

  async function adminGet(path: string): Promise<Response> {
    const res = await token(servers[0]!.url, 'admin', adminSecret, 'grant_type=client_credentials&scope=admin');
    const { access_token: bearer } = (await res.json()) as { access_token: string };
    return fetch(`${servers[0]!.url}/admin/v1${path}`, { headers: { authorization: `Bearer ${bearer}` } });
  }

  /** Sums the window's counts, by grant and client for tokens and by code for errors. */
  function totals(activity: TenantActivity) {
    const issued: Record<string, number> = {};
    const errors: Record<string, number> = {};
    for (const minute of activity.perMinute) {
      for (const i of minute.issued) issued[`${i.grant}/${i.clientId}`] = (issued[`${i.grant}/${i.clientId}`] ?? 0) + i.count;
      for (const e of minute.errors) errors[e.error] = (errors[e.error] ?? 0) + e.count;
    }
    return { issued, errors };
  }

  it('adds up both instances\' tokens and error answers, every minute of the window present', async () => {
    for (const [n, server] of servers.entries()) {
      for (let i = 0; i < 2 + n; i++) assert.equal((await token(server.url, 'svc', secret)).status, 200);
      assert.equal((await token(server.url, 'svc', 'wrong')).status, 401);
    }
    assert.equal((await token(servers[1]!.url, 'svc', secret, 'grant_type=password&username=x&password=y')).status, 400);
    // An unknown tenant belongs to no tenant's counts.
    assert.equal((await fetch(`${servers[1]!.url}/t/nobody/oauth/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic('svc', secret) }, body: 'grant_type=client_credentials' })).status, 400);

    let activity: TenantActivity | undefined;
    for (let i = 0; i < 50; i++) {
      const res = await adminGet('/tenants/default/activity?minutes=10');
      assert.equal(res.status, 200);
      activity = (await res.json()) as TenantActivity;
      // The admin tokens this test asked for count too: one per call so far, all from the first instance.
      const { issued, errors } = totals(activity);
      if (issued['client_credentials/svc'] === 5 && issued['client_credentials/admin'] !== undefined && errors.invalid_client === 2 && errors.unauthorized_client === 1) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const { issued, errors } = totals(activity!);
    assert.equal(issued['client_credentials/svc'], 5);
    assert.ok(issued['client_credentials/admin']! >= 1);
    assert.deepEqual(errors, { invalid_client: 2, unauthorized_client: 1 });
    assert.equal(activity!.tenant, 'default');
    assert.equal(activity!.perMinute.length, 10);
    assert.equal(activity!.to - activity!.from, 10 * 60_000);
    assert.equal(activity!.from % 60_000, 0);
    assert.deepEqual(activity!.perMinute.map((m) => m.at), Array.from({ length: 10 }, (_, i) => activity!.from + i * 60_000));
    assert.ok(activity!.to > Date.now(), 'the current minute is the last');
  });

  it('refuses a window outside 1 to 1440 minutes, naming minutes, and an unknown tenant', async () => {
    for (const minutes of ['0', '1441', 'abc', '-1']) {
      const res = await adminGet(`/tenants/default/activity?minutes=${minutes}`);
      assert.equal(res.status, 400, minutes);
      assert.equal(res.headers.get('content-type'), 'application/problem+json; charset=utf-8');
      const problem = (await res.json()) as { field?: string; detail: string };
      assert.match(`${problem.field} ${problem.detail}`, /minutes/);
    }
    assert.equal((await adminGet('/tenants/default/activity')).status, 200, 'minutes defaults to 60');
    assert.equal(((await (await adminGet('/tenants/default/activity')).json()) as TenantActivity).perMinute.length, 60);
    assert.equal((await adminGet('/tenants/nobody/activity')).status, 404);
  });
});
