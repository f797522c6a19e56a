/**
 * A login (or an argon2id client secret) still waiting for an argon2 slot when
 * its client resets the connection is dropped, not hashed: nobody would read the answer, and under
 * load every client that times out and leaves would otherwise cost a full
 * hash (tens of ms of CPU and 19 MiB), taken from the clients still waiting.
 * Over a real socket, since only a real connection can be closed. A client
 * that only half-closes (FIN) may still read, so it is answered
 * (test/server/connections.test.ts); the leaving client here resets.
 */
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import type { WorkLimiter } from '../../src/core/crypto/work-limiter.ts';
import { addClient, addUser, createTestTessera } from '../helpers/fixtures.ts';
import { injectableApp } from './helpers.ts';

let app: FastifyInstance;
let origin: string;
let argon2Limiter: WorkLimiter;

before(async () => {
  const t = await createTestTessera();
  argon2Limiter = t.tessera.argon2.limiter;
  app = await injectableApp(t);
  await addClient(t, { id: 'app', clientType: 'public', grantTypes: ['password'] });
  await addUser(t, { username: 'alice', password: 'alice password' });
  await addClient(t, { id: 'chosen', secret: 'an operator chose this secret' }); // stored with argon2id
  origin = await app.listen({ port: 0, host: '127.0.0.1' });
});

after(async () => {
  await app.close();
});

const LOGIN = 'grant_type=password&username=alice&password=alice+password&client_id=app';
const CHOSEN_SECRET_CC = 'grant_type=client_credentials&client_id=chosen&client_secret=an+operator+chose+this+secret';

async function until(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out; limiter ${JSON.stringify(argon2Limiter.stats())}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('logins abandoned by their clients', () => {
  for (const [what, body] of [['a password login', LOGIN], ['a client secret stored with argon2id', CHOSEN_SECRET_CC]] as const) {
  it(`drops ${what} queued when its client closed the connection, and still answers the one behind it`, async () => {
    argon2Limiter.configure({ concurrency: 1, maxQueued: 10 });
    // Hold the only argon2 slot, so the logins below have to wait.
    let release!: () => void;
    const holding = argon2Limiter.run(() => new Promise<void>((resolve) => (release = resolve)));
    const start = argon2Limiter.stats();

    const { port } = new URL(origin);
    const leaving = connect(Number(port), '127.0.0.1');
    leaving.on('error', () => {});
    leaving.write(
      `POST /oauth/token HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${body.length}\r\n\r\n${body}`,
    );
    await until(() => argon2Limiter.stats().queued === 1);
    const staying = fetch(`${origin}/oauth/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
    await until(() => argon2Limiter.stats().queued === 2);

    leaving.resetAndDestroy();
    await new Promise((resolve) => setTimeout(resolve, 100)); // the server sees the close
    release();
    await holding;
    const res = await staying;
    assert.equal(res.status, 200, await res.clone().text());
    assert.ok((await res.json()).access_token);

    await until(() => argon2Limiter.stats().active === 0);
    const end = argon2Limiter.stats();
    // The held slot and the staying request ran; the leaving one was never hashed.
    assert.equal(end.completed - start.completed, 2);
    assert.equal(end.abandoned - start.abandoned, 1);
  });
  }
});
