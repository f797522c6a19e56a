/**
 * How a real `tessera serve` treats connections, seen from a bare socket:
 * a client that half-closes after sending still gets its answer; 413, 431
 * and 400 answers arrive and the connection closes without a reset; CONNECT
 * gets 405 with Allow; Upgrade requests are refused with an answer; and the
 * configured timeouts are the ones that end a slow or silent client.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli } from '../helpers/cli.ts';
import { basic } from '../helpers/fixtures.ts';
import { createTestSchema, postgresSkip, type TestSchema } from '../helpers/postgres.ts';
import { formPost, rawExchange } from '../helpers/raw-http.ts';
import { startServe, type TesseraProcess } from '../helpers/spawn-tessera.ts';

const dir = mkdtempSync(join(tmpdir(), 'tessera-connections-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const CHOSEN_SECRET = 'a chosen secret, checked with argon2id';
/** Short, so the timeout cases finish quickly; what they check is that these are what ends a connection. */
const TIMEOUTS = ['--request-timeout-ms', '3000', '--headers-timeout-ms', '2000', '--keep-alive-timeout-ms', '1000'];

async function serve(db: string): Promise<{ server: TesseraProcess & { url: string }; secret: string }> {
  await runCli(['init', '--db', db]);
  const secret = (JSON.parse((await runCli(['clients', 'create', 'svc', '--db', db])).stdout) as { clientSecret: string }).clientSecret;
  await runCli(['clients', 'create', 'chosen', '--db', db, '--secret-env', 'CHOSEN'], { env: { CHOSEN: CHOSEN_SECRET } });
  const server = await startServe(['--db', db, ...TIMEOUTS]);
  return { server, secret };
}

function halfClosedAnswers(store: 'sqlite' | 'postgres', skip: string | false) {
  describe(`half-closed requests on ${store}`, { skip }, () => {
    let server: TesseraProcess & { url: string };
    let secret: string;
    let schema: TestSchema | undefined;
    before(async () => {
      schema = store === 'postgres' ? await createTestSchema() : undefined;
      ({ server, secret } = await serve(schema?.url ?? join(dir, `half-${store}.db`)));
    });
    after(async () => {
      await server?.stop();
      await schema?.drop();
    });

    for (const [what, id, password] of [['a generated secret', 'svc', () => secret], ['a chosen secret (argon2id)', 'chosen', () => CHOSEN_SECRET]] as const) {
      it(`answers every token request sent with ${what} and then half-closed`, async () => {
        const request = () => formPost('/oauth/token', 'grant_type=client_credentials', { authorization: basic(id, password()) });
        const results = await Promise.all(Array.from({ length: 10 }, () => rawExchange(server.url, request(), { halfClose: true })));
        assert.deepEqual(results.map((r) => r.status), results.map(() => 200), results.map((r) => r.received.slice(0, 60)).join(' | '));
      });
    }

    it('answers a half-closed introspection and revocation', async () => {
      for (const path of ['/oauth/introspect', '/oauth/revoke']) {
        const result = await rawExchange(server.url, formPost(path, 'token=nothing', { authorization: basic('svc', secret) }), { halfClose: true });
        assert.equal(result.status, 200, `${path}: ${result.received}`);
      }
    });
  });
}

halfClosedAnswers('sqlite', false);
halfClosedAnswers('postgres', postgresSkip('half-closed requests on PostgreSQL'));

describe('refusals close the connection gently, and timeouts are the configured ones', () => {
  let server: TesseraProcess & { url: string };
  let secret: string;
  before(async () => {
    ({ server, secret } = await serve(join(dir, 'refusals.db')));
  });
  after(async () => {
    await server?.stop();
  });

  const big = Buffer.alloc(4 * 1024 * 1024, 'a');

  it('answers 413 to a declared body over the limit, then closes without a reset although the body keeps coming', async () => {
    // The admin API authenticates before it reads a body: 401, and the same gentle close.
    for (const [path, status] of [['/oauth/token', 413], ['/admin/v1/tenants', 401]] as const) {
      const head = `POST ${path} HTTP/1.1\r\nhost: localhost\r\ncontent-type: application/x-www-form-urlencoded\r\ncontent-length: ${big.length}\r\n\r\n`;
      const result = await rawExchange(server.url, [head, big], { chunkBytes: 65_536 });
      assert.equal(result.status, status, `${path}: ${result.received.slice(0, 200)}`);
      assert.equal(result.reset, false, `${path}: reset after the ${status}`);
      assert.equal(result.timedOut, false);
    }
  });

  it('answers 413 to a chunked body that grows over the limit, then closes without a reset', async () => {
    const head = `POST /oauth/token HTTP/1.1\r\nhost: localhost\r\ncontent-type: application/x-www-form-urlencoded\r\nauthorization: ${basic('svc', secret)}\r\ntransfer-encoding: chunked\r\n\r\n`;
    const chunks = Array.from({ length: 64 }, () => `10000\r\n${'a'.repeat(0x10000)}\r\n`).join('') + '0\r\n\r\n';
    const result = await rawExchange(server.url, [head, chunks], { chunkBytes: 65_536 });
    assert.equal(result.status, 413, result.received.slice(0, 200));
    assert.equal(result.reset, false);
  });

  it('answers 431 to headers over the limit, then closes without a reset', async () => {
    const head = `POST /oauth/token HTTP/1.1\r\nhost: localhost\r\nx-filler: ${'b'.repeat(256 * 1024)}\r\ncontent-length: 0\r\n\r\n`;
    const result = await rawExchange(server.url, head, { chunkBytes: 16_384 });
    assert.equal(result.status, 431, result.received.slice(0, 200));
    assert.equal(result.reset, false);
    assert.match(result.received, /connection: close/i);
  });

  it('answers 400 to a malformed request line, then closes without a reset although more bytes follow', async () => {
    const result = await rawExchange(server.url, [`GARBAGE\x01 / HTTP/1.1\r\nhost: x\r\n\r\n`, Buffer.alloc(512 * 1024, 'c')], { chunkBytes: 16_384 });
    assert.equal(result.status, 400, result.received.slice(0, 200));
    assert.equal(result.reset, false);
  });

  it('answers CONNECT with 405 and Allow, and closes', async () => {
    const result = await rawExchange(server.url, 'CONNECT example.com:443 HTTP/1.1\r\nhost: example.com:443\r\n\r\n');
    assert.equal(result.status, 405, result.received);
    assert.match(result.received, /\r\nallow: [A-Z, ]+\r\n/i);
    assert.equal(result.timedOut, false);
    assert.equal(result.reset, false);
  });

  it('serves an Upgrade request as plain HTTP/1.1, never switching protocols', async () => {
    for (const path of ['/oauth/token', '/health/live', '/nowhere']) {
      const request = `GET ${path} HTTP/1.1\r\nhost: localhost\r\nconnection: Upgrade\r\nupgrade: websocket\r\nsec-websocket-version: 13\r\nsec-websocket-key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n`;
      const result = await rawExchange(server.url, request, { timeoutMs: 8000 });
      assert.ok(result.status !== undefined && result.status !== 101 && result.status < 500, `${path}: ${result.received}`);
      assert.equal(result.timedOut, false);
    }
  });

  it('answers or closes an Upgrade request with a malformed chunked body within the request timeout', async () => {
    const request = `POST /oauth/token HTTP/1.1\r\nhost: localhost\r\nconnection: Upgrade\r\nupgrade: websocket\r\ntransfer-encoding: chunked\r\ncontent-type: application/x-www-form-urlencoded\r\n\r\nzz\r\nnot a chunk\r\n`;
    const result = await rawExchange(server.url, request, { timeoutMs: 8000 });
    assert.equal(result.timedOut, false, 'the connection was left open');
    assert.ok(result.ms < 6000, `closed after ${result.ms} ms`);
    assert.ok(result.status !== undefined && result.status >= 400 && result.status < 500, result.received);
  });

  it('closes a connection whose headers never end within headersTimeoutMs (plus the check interval)', async () => {
    const result = await rawExchange(server.url, 'POST /oauth/token HTTP/1.1\r\nhost: localhost\r\n', { timeoutMs: 10_000 });
    assert.equal(result.timedOut, false);
    assert.ok(result.ms >= 1500 && result.ms < 4500, `closed after ${Math.round(result.ms)} ms`);
  });

  it('closes a request whose body never ends within requestTimeoutMs (plus the check interval)', async () => {
    const result = await rawExchange(server.url, 'POST /oauth/token HTTP/1.1\r\nhost: localhost\r\ncontent-type: application/x-www-form-urlencoded\r\ncontent-length: 100\r\n\r\ngrant', { timeoutMs: 10_000 });
    assert.equal(result.timedOut, false);
    assert.ok(result.ms >= 2500 && result.ms < 5500, `closed after ${Math.round(result.ms)} ms`);
  });

  it('closes an idle keep-alive connection after keepAliveTimeoutMs', async () => {
    const result = await rawExchange(server.url, formPost('/oauth/introspect', 'token=x', { authorization: basic('svc', secret) }), { timeoutMs: 10_000 });
    assert.equal(result.status, 200);
    assert.equal(result.timedOut, false);
    assert.ok(result.ms >= 800 && result.ms < 3500, `closed after ${Math.round(result.ms)} ms`);
  });
});
