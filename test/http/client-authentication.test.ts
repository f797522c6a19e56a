/**
 * Credential-guessing defences of client authentication: one answer, byte
 * for byte, and one argon2id of work for every refused secret; chosen
 * secrets locked after repeated failures; what still works during a lock.
 */
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/http/app.ts';
import { tokenRoutes } from '../../src/http/form-endpoints.ts';
import { addClient, basic, createTestTessera, TEST_CHANGE, type TestTessera } from '../helpers/fixtures.ts';
import { FORM } from './helpers.ts';

/** One request over a raw socket; the answer's bytes as the server wrote them. */
function rawExchange(port: number, request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(request));
    let answer = '';
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => (answer += chunk));
    socket.on('end', () => resolve(answer));
    socket.on('error', reject);
  });
}

const tokenPost = (authorization: string, path = '/oauth/token') => {
  const body = 'grant_type=client_credentials';
  return `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: ${authorization}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`;
};

/** The answer without the two lines that differ by when and which request (Date, X-Request-Id). */
const comparable = (raw: string) => raw.replace(/^Date: .*\r\n/im, '').replace(/^X-Request-Id: .*\r\n/im, '');

describe('refused client credentials', () => {
  let t: TestTessera;
  let app: FastifyInstance;
  let port: number;
  let generated: string;
  before(async () => {
    t = await createTestTessera();
    generated = await addClient(t, { id: 'machine' });
    await addClient(t, { id: 'person', secret: 'a chosen secret' });
    app = await buildApp({
      services: t.tessera.services,
      tokenRoutes: tokenRoutes([{ path: '/seed-002/token', options: { errors: { invalid_client: { description: 'Invalid client_id' } } } }]),
      bodyLimitBytes: 16_384,
      logLevel: 'silent',
    });
    port = Number(new URL(await app.listen({ port: 0, host: '127.0.0.1' })).port);
  });
  after(() => app.close());

  it('are answered byte for byte alike for an unknown client id and a wrong secret, generated or chosen', async () => {
    const unknown = comparable(await rawExchange(port, tokenPost(basic('nobody', 'a chosen secret'))));
    const wrongChosen = comparable(await rawExchange(port, tokenPost(basic('person', 'not the secret'))));
    const wrongGenerated = comparable(await rawExchange(port, tokenPost(basic('machine', `${generated}x`))));
    assert.match(unknown, /^HTTP\/1\.1 401 Unauthorized\r\n/);
    assert.match(unknown, /\r\n\r\n\{"error":"invalid_client","error_description":"Client authentication failed"\}$/);
    assert.equal(wrongChosen, unknown);
    assert.equal(wrongGenerated, unknown);
  });

  it('keep a dialect’s own wording, still one answer for both (seed 002)', async () => {
    const unknown = comparable(await rawExchange(port, tokenPost(basic('nobody', 'whatever1'), '/seed-002/token')));
    const wrong = comparable(await rawExchange(port, tokenPost(basic('person', 'not the secret'), '/seed-002/token')));
    assert.match(unknown, /"error_description":"Invalid client_id"\}$/);
    assert.equal(wrong, unknown);
  });

  it('each cost exactly one argon2id computation, as a chosen secret’s check does', async () => {
    const hashes = () => t.tessera.argon2.limiter.stats().completed;
    for (const authorization of [basic('nobody', 'x'), basic('person', 'wrong'), basic('machine', 'wrong')]) {
      const before = hashes();
      assert.equal((await app.inject({ method: 'POST', url: '/oauth/token', headers: { ...FORM, authorization }, payload: 'grant_type=client_credentials' })).statusCode, 401);
      assert.equal(hashes() - before, 1, authorization);
    }
    const before = hashes();
    assert.equal((await app.inject({ method: 'POST', url: '/oauth/token', headers: { ...FORM, authorization: basic('machine', generated) }, payload: 'grant_type=client_credentials' })).statusCode, 200);
    assert.equal(hashes(), before, 'a generated secret that matches costs no argon2id');
  });
});

describe('a client with a chosen secret', () => {
  let t: TestTessera;
  let app: FastifyInstance;
  const SECRET = 'correct horse battery';
  const ask = (secret: string, id = 'human') =>
    app.inject({ method: 'POST', url: '/oauth/token', headers: { ...FORM, authorization: basic(id, secret) }, payload: 'grant_type=client_credentials' });

  before(async () => {
    t = await createTestTessera();
    await t.tenants.update('default', { rateLimit: { secretLockout: { maxFailures: 3, waitIncrement: 60, maxWait: 300 } } }, TEST_CHANGE);
    await addClient(t, { id: 'human', secret: SECRET });
    app = await buildApp({ services: t.tessera.services, tokenRoutes: tokenRoutes([]), bodyLimitBytes: 16_384, logLevel: 'silent' });
  });

  it('is locked after the tenant’s number of failures in a row, and refused then with the same answer whatever the secret', async () => {
    const wrong = [];
    for (let i = 0; i < 3; i++) wrong.push(await ask(`guess ${i}`));
    assert.deepEqual(wrong.map((r) => r.statusCode), [401, 401, 401]);
    const state = await t.clients.lockState('default', 'human');
    assert.equal(state.locked, true);
    assert.equal(state.failedCount, 3);
    assert.equal(state.lockedUntil, t.time.now + 60_000);
    const right = await ask(SECRET);
    assert.equal(right.statusCode, 401);
    assert.equal(right.body, wrong[0]!.body, 'a locked client is told nothing more');
    assert.equal((await t.clients.lockState('default', 'human')).failedCount, 3, 'attempts during a lock are not counted');
  });

  it('works again once the lock ends, which resets the count', async () => {
    t.time.advance(60_000);
    assert.equal((await ask(SECRET)).statusCode, 200);
    assert.equal((await t.clients.lockState('default', 'human')).failedCount, 0);
  });

  it('keeps working during a lock where its secret was verified recently: no guesser can produce that', async () => {
    for (let i = 0; i < 3; i++) await ask(`guess ${i}`);
    assert.equal((await t.clients.lockState('default', 'human')).locked, true);
    assert.equal((await ask(SECRET)).statusCode, 200);
  });

  it('is unlocked by an operator', async () => {
    const cleared = await t.clients.unlock('default', 'human', TEST_CHANGE);
    assert.deepEqual({ locked: cleared.locked, failedCount: cleared.failedCount }, { locked: false, failedCount: 0 });
    assert.equal((await t.store.audit.pageAudit('default', { limit: 10, offset: 0 })).items.some((e) => e.action === 'client.unlock' && e.target === 'human'), true);
  });

  it('never locks a client whose secrets are all generated: nobody guesses 256 bits', async () => {
    const generated = await addClient(t, { id: 'machine' });
    for (let i = 0; i < 5; i++) await ask(`guess ${i}`, 'machine');
    assert.equal((await t.clients.lockState('default', 'machine')).failedCount, 0);
    assert.equal((await ask(generated, 'machine')).statusCode, 200);
  });
});
