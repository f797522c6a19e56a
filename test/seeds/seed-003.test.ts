/**
 * Seed 003 replayed verbatim: its curl command (GET with a form body and a
 * Content-Type that says JSON, no client credentials at all) run with the real
 * curl binary against a real server on 127.0.0.1, on a path with the `owin`
 * dialect. Only the vendor's host is replaced.
 *
 *   curl --location --request GET 'https://sandbox.sample/Token' \
 *   --header 'Content-Type: application/json' \
 *   --data-urlencode 'grant_type=password' \
 *   --data-urlencode 'username=username' \
 *   --data-urlencode 'password=password'
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createTessera } from '../../src/server/compose.ts';
import { validateConfig } from '../../src/config/config.ts';
import { systemClock } from '../../src/core/clock.ts';
import { findLiveToken } from '../helpers/live-token.ts';
import { startServer, type RunningServer } from '../../src/server/start-server.ts';
import { curl } from '../helpers/curl.ts';

const dir = mkdtempSync(join(tmpdir(), 'tessera-seed-003-'));
let server: RunningServer;
let userId: string;

/** The seed's command, word for word, against `base` instead of https://sandbox.sample. */
const seedCurl = (base: string) => curl([
  '--location', '--request', 'GET', `${base}/Token`,
  '--header', 'Content-Type: application/json',
  '--data-urlencode', 'grant_type=password',
  '--data-urlencode', 'username=username',
  '--data-urlencode', 'password=password',
]);

before(async () => {
  const config = validateConfig({
    host: '127.0.0.1', port: 0, database: join(dir, 'seed-003.db'), logLevel: 'silent',
    tokenEndpoints: [{ path: '/Token', dialect: 'owin' }],
  });
  server = await startServer(config);
  const store = server.tessera.store;
  // The operator's set-up: a public app with seed 003's 14-day tokens and "discards any existing tokens",
  // the tenant attributing clientless requests to it, and the seed's user.
  const admin = createTessera({ store, clock: systemClock }).admin;
  await admin.clients.create({
    tenantId: 'default', id: 'seed-003-app', clientType: 'public', grantTypes: ['password'], accessTokenLifetime: 14 * 24 * 3600, singleActiveToken: true,
  }, { actor: 'test' });
  await admin.tenants.update('default', { loginPolicy: { defaultPublicClient: 'seed-003-app' } }, { actor: 'test' });
  userId = (await admin.users.create({ tenantId: 'default', username: 'username', password: 'password', role: 'Administrator' }, { actor: 'test' })).id;
});

after(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

const RFC_1123 = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} GMT$/;

describe('seed 003: GET /Token with a form body, the password grant and no client credentials', () => {
  let first: string;

  it("answers the seed's curl with the seed's response shape", async () => {
    const res = await seedCurl(server.url);
    assert.equal(res.status, 200, res.body);
    assert.equal(res.headers['cache-control'], 'no-store');
    const body = JSON.parse(res.body);
    assert.deepEqual(Object.keys(body), ['access_token', 'token_type', 'expires_in', 'userName', 'userId', 'role', '.issued', '.expires']);
    assert.match(body.access_token, /^tat_[0-9a-f]{12}[A-Za-z0-9_-]{43}$/);
    assert.equal(body.token_type, 'bearer');
    assert.equal(body.expires_in, 1_209_599, '14 days less a second, as the seed shows');
    assert.deepEqual([body.userName, body.userId, body.role], ['username', userId, 'Administrator']);
    assert.match(body['.issued'], RFC_1123);
    assert.match(body['.expires'], RFC_1123);
    assert.equal(Date.parse(body['.expires']) - Date.parse(body['.issued']), 14 * 24 * 3600_000);
    first = body.access_token;
    assert.ok(await findLiveToken(server.tessera.store.tokens, first, 'access', Date.now()), 'the token is valid');
  });

  it('discards the earlier token when the same curl runs again (single active token)', async () => {
    const res = await seedCurl(server.url);
    assert.equal(res.status, 200, res.body);
    const second = JSON.parse(res.body).access_token;
    assert.notEqual(second, first);
    assert.equal(await findLiveToken(server.tessera.store.tokens, first, 'access', Date.now()), undefined, 'the first token is no longer valid');
    assert.ok(await findLiveToken(server.tessera.store.tokens, second, 'access', Date.now()));
  });

  it('answers POST the same way, and a wrong password with invalid_grant', async () => {
    const post = await curl(['--request', 'POST', `${server.url}/Token`, '--data-urlencode', 'grant_type=password', '--data-urlencode', 'username=username', '--data-urlencode', 'password=password']);
    assert.equal(post.status, 200, post.body);
    const wrong = await curl(['--request', 'GET', `${server.url}/Token`, '--header', 'Content-Type: application/json', '--data-urlencode', 'grant_type=password', '--data-urlencode', 'username=username', '--data-urlencode', 'password=wrong']);
    assert.equal(wrong.status, 400);
    assert.deepEqual(JSON.parse(wrong.body), { error: 'invalid_grant', error_description: 'The user name or password is incorrect.' });
  });

  it('is refused on the strict path, which serves neither GET nor clientless requests by default', async () => {
    const res = await curl(['--request', 'GET', `${server.url}/oauth/token`, '--header', 'Content-Type: application/json', '--data-urlencode', 'grant_type=password']);
    assert.equal(res.status, 405);
  });
});
