/**
 * A Redis rate-limit store that does not answer (here: nothing listens on its
 * port) with the real client: requests pass unchecked (fail open) or get 503
 * (fail closed), never a 500; /healthz says so; the outage is reported once.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/http/app.ts';
import { tokenRoutes } from '../../src/http/form-endpoints.ts';
import { rateLimitHook } from '../../src/http/pipeline/hooks/rate-limit.ts';
import { RedisRateLimitStore } from '../../src/store/redis/rate-limit-store.ts';
import { addClient, basic, createTestTessera } from '../helpers/fixtures.ts';
import { FORM } from './helpers.ts';

const apps: FastifyInstance[] = [];
after(async () => {
  for (const app of apps) await app.close();
});

async function appOverDeadRedis(failOpen: boolean) {
  const store = await RedisRateLimitStore.open({ url: 'redis://127.0.0.1:1', keyPrefix: 'unused:', connectWaitMs: 50 });
  const changes: boolean[] = [];
  const t = await createTestTessera({ rateLimits: { store, failOpen, rules: { token: { limit: 100, window: 60 } }, onStoreChange: (available) => changes.push(available) } });
  const secret = await addClient(t, { id: 'svc' });
  const app = await buildApp({
    services: t.tessera.services, tokenRoutes: tokenRoutes([]), bodyLimitBytes: 16_384, logLevel: 'silent',
    hooks: [rateLimitHook({ limiter: t.tessera.rateLimiter, rules: t.tessera.rateLimitRules })],
  });
  app.addHook('onClose', () => store.close());
  apps.push(app);
  const ask = () => app.inject({ method: 'POST', url: '/oauth/token', headers: { ...FORM, authorization: basic('svc', secret) }, payload: 'grant_type=client_credentials' });
  return { app, ask, changes, t };
}

describe('a rate-limit store that does not answer', () => {
  it('fails open: requests pass unchecked, /healthz reports the store away and stays 200, the outage is told once', async () => {
    const { app, ask, changes, t } = await appOverDeadRedis(true);
    for (let i = 0; i < 3; i++) assert.equal((await ask()).statusCode, 200);
    assert.deepEqual(changes, [false]);
    assert.equal(t.tessera.rateLimiter.stats().unchecked, 3);
    const health = await app.inject({ method: 'GET', url: '/healthz' });
    assert.equal(health.statusCode, 200);
    assert.deepEqual(health.json().rateLimitStore, { kind: 'redis', available: false });
  });

  it('fails closed: 503 temporarily_unavailable with Retry-After, never a 500, and /healthz answers 503', async () => {
    const { app, ask } = await appOverDeadRedis(false);
    const res = await ask();
    assert.equal(res.statusCode, 503);
    assert.equal(res.headers['retry-after'], '5');
    assert.deepEqual(res.json(), { error: 'temporarily_unavailable', error_description: 'Rate limits cannot be checked right now; retry later' });
    assert.equal((await app.inject({ method: 'GET', url: '/healthz' })).statusCode, 503);
  });
});
