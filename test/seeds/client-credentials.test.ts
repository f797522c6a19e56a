/**
 * Seeds 000, 001, 002 and 004 replayed verbatim against a real `tessera
 * serve` started through the CLI, set up through the CLI as an operator would,
 * with the dialects of examples/seeds.config.json. Each request is the seed's
 * own (curl command or raw HTTP), with only the vendor's host replaced.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeProtectedHeader, decodeJwt } from 'jose';
import { after, before, describe, it } from 'node:test';
import { json, runCli, startCliServer, type CliServer } from '../helpers/cli.ts';
import { curl } from '../helpers/curl.ts';

const SEED_CONFIG = fileURLToPath(new URL('../../examples/seeds.config.json', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'tessera-seeds-'));
const db = join(dir, 'seeds.db');
const cli = (args: string[], stdin?: string) => runCli([...args, '--db', db, '--config', SEED_CONFIG], { stdin });
let server: CliServer;
let port: string;

before(async () => {
  const init = await cli(['init']);
  assert.equal(init.code, 0, init.stderr);
  // Seed 000: a human username:password pair as client credentials, opaque one-hour tokens, two accounts.
  assert.equal((await cli(['clients', 'create', 'username', '--secret-stdin', '--lifetime', '3600', '--accounts', '20000,20001'], 'password\n')).code, 0);
  // Seed 001: tenant named by host, JWT tokens signed RS256 (its sample token's header says so).
  assert.equal((await cli(['tenants', 'create', 'example.com', '--issuer', 'https://example.com', '--alg', 'RS256'])).code, 0);
  assert.equal((await cli(['clients', 'create', 'client-id', '--tenant', 'example.com', '--format', 'jwt', '--secret-stdin'], 'qkDwDJlDfig2IpeuUZYKH1Wb8q1V0ju6sILxQQqhJ')).code, 0);
  // Seed 002: a tenant selected by Host (here `localhost`), RS256 JWTs with kid, one-day lifetime.
  assert.equal((await cli(['tenants', 'create', 'deyel', '--issuer', 'https://deyel.test', '--alg', 'RS256', '--lifetime', '86400', '--hosts', 'localhost'])).code, 0);
  assert.equal((await cli(['clients', 'create', 'rest-api-thing', '--tenant', 'deyel', '--format', 'jwt', '--secret-stdin'], 'thing-user-key-1')).code, 0);
  // Seed 004: generated credentials, JSON body.
  const created = json<{ client: { id: string }; clientSecret: string }>(await cli(['clients', 'create', 'seed-004-client']));
  seed004Secret = created.clientSecret;

  server = await startCliServer(['--db', db, '--config', SEED_CONFIG]);
  port = new URL(server.url).port;
});
let seed004Secret: string;

after(async () => {
  if (server) assert.equal(await server.stop(), 0);
  rmSync(dir, { recursive: true, force: true });
});

describe('seed 000: POST /v2/token/ with curl -u username:password', () => {
  it('answers exactly {access_token, token_type: "bearer", expires_in: 3600}', async () => {
    // curl -X POST -d 'grant_type=client_credentials' -u 'username:password' https://api.trkcall.com/v2/token/
    const res = await curl(['-X', 'POST', '-d', 'grant_type=client_credentials', '-u', 'username:password', `http://127.0.0.1:${port}/v2/token/`]);
    assert.equal(res.status, 200, res.body);
    const body = JSON.parse(res.body);
    assert.deepEqual(Object.keys(body), ['access_token', 'token_type', 'expires_in']);
    assert.match(body.access_token, /^tat_/);
    assert.equal(body.token_type, 'bearer');
    assert.equal(body.expires_in, 3600);
    assert.equal(res.headers['cache-control'], 'no-store');
  });
  it('refuses a wrong password with invalid_client and a Basic challenge', async () => {
    const res = await curl(['-X', 'POST', '-d', 'grant_type=client_credentials', '-u', 'username:wrong-password', `http://127.0.0.1:${port}/v2/token/`]);
    assert.equal(res.status, 401);
    assert.equal(JSON.parse(res.body).error, 'invalid_client');
    assert.match(res.headers['www-authenticate']!, /^Basic /);
  });
});

describe('seed 001: POST /configapi/v2/oauth/token with tenant in the form body', () => {
  it('answers the raw HTTP request of the seed with a Bearer RS256 JWT', async () => {
    const body = 'grant_type=client_credentials&client_id=client-id&client_secret=qkDwDJlDfig2IpeuUZYKH1Wb8q1V0ju6sILxQQqhJ&tenant=example.com';
    // The seed's request, byte for byte, plus the Content-Length and Connection headers HTTP/1.1 needs on a socket.
    const raw = `POST /configapi/v2/oauth/token HTTP/1.1\r\nHost: example.com\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`;
    const response = await rawHttp(Number(port), raw);
    assert.match(response, /^HTTP\/1\.1 200 /);
    const json = JSON.parse(response.slice(response.indexOf('\r\n\r\n') + 4));
    assert.deepEqual(Object.keys(json), ['access_token', 'token_type', 'expires_in']);
    assert.equal(json.token_type, 'Bearer');
    assert.equal(json.expires_in, '3599', 'a string, one second short of the hour, as the seed shows');
    assert.equal(decodeProtectedHeader(json.access_token).alg, 'RS256');
    const claims = decodeJwt(json.access_token);
    assert.equal(claims.iss, 'https://example.com');
    assert.equal(claims.client_id, 'client-id');
  });
  it('refuses the request without its required tenant parameter', async () => {
    const res = await curl(['-d', 'grant_type=client_credentials&client_id=client-id&client_secret=qkDwDJlDfig2IpeuUZYKH1Wb8q1V0ju6sILxQQqhJ', `http://127.0.0.1:${port}/configapi/v2/oauth/token`]);
    assert.equal(res.status, 400);
    assert.equal(JSON.parse(res.body).error_description, 'Missing required parameter: tenant');
  });
});

describe('seed 002: Basic client_id:client_secret, form body, any path', () => {
  const basic = `Basic ${Buffer.from('rest-api-thing:thing-user-key-1').toString('base64')}`;
  it('answers with an RS256 JWT carrying a kid and expires_in 86400', async () => {
    const res = await curl(['-X', 'POST', '-H', `Authorization: ${basic}`, '-H', 'Content-Type: application/x-www-form-urlencoded', '-d', 'grant_type=client_credentials', `http://localhost:${port}/oauth/token`]);
    assert.equal(res.status, 200, res.body);
    const body = JSON.parse(res.body);
    assert.equal(body.token_type, 'Bearer');
    assert.equal(body.expires_in, 86400);
    const header = decodeProtectedHeader(body.access_token);
    assert.equal(header.alg, 'RS256');
    assert.match(String(header.kid), /^[A-Za-z0-9_-]{43}$/);
    assert.equal(decodeJwt(body.access_token).iss, 'https://deyel.test');
  });
  it('answers an unknown client with error_description "Invalid client_id"', async () => {
    const wrong = `Basic ${Buffer.from('not-a-client:thing-user-key-1').toString('base64')}`;
    const res = await curl(['-X', 'POST', '-H', `Authorization: ${wrong}`, '-d', 'grant_type=client_credentials', `http://localhost:${port}/oauth/token`]);
    assert.equal(res.status, 401);
    assert.deepEqual(JSON.parse(res.body), { error: 'invalid_client', error_description: 'Invalid client_id' });
  });
});

describe('seed 004: JSON body at /oauth/token', () => {
  it("answers the seed's curl with access_token and expires_in", async () => {
    const payload = `{
    "client_id": "seed-004-client",
    "client_secret": "${seed004Secret}",
    "grant_type": "client_credentials"
}`;
    const res = await curl(['--location', '--request', 'POST', `http://127.0.0.1:${port}/oauth/token`, '--header', 'Content-Type: application/json', '--data-raw', payload]);
    assert.equal(res.status, 200, res.body);
    const body = JSON.parse(res.body);
    assert.match(body.access_token, /^tat_/);
    assert.equal(body.expires_in, 3600);
  });
});

function rawHttp(port: number, request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(request));
    let data = '';
    socket.setEncoding('utf8');
    socket.on('data', (d) => (data += d));
    socket.on('end', () => resolve(data));
    socket.on('error', reject);
    socket.setTimeout(10_000, () => socket.destroy(new Error('timeout')));
  });
}
