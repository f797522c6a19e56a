/**
 * Two `Authorization` headers are one request with two sets of credentials:
 * which one the server would honour is anyone's guess, so every endpoint
 * answers 400 `invalid_request` rather than take the first (docs/admin-api.md,
 * RFC 6750 §3.1, RFC 6749 §3.2.1). Against `tessera serve` over raw sockets,
 * since HTTP clients fold or refuse repeated headers.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli } from '../helpers/cli.ts';
import { basic } from '../helpers/fixtures.ts';
import { startServe, type TesseraProcess } from '../helpers/spawn-tessera.ts';

const dir = mkdtempSync(join(tmpdir(), 'tessera-dup-auth-'));
const db = join(dir, 'dup.db');
let server: TesseraProcess & { url: string };
let admin: string;
let adminToken: string;

before(async () => {
  const init = await runCli(['init', '--db', db]);
  assert.equal(init.code, 0, init.stderr);
  admin = basic('admin', JSON.parse(init.stdout).clientSecret);
  server = await startServe(['--db', db]);
  const res = await fetch(`${server.url}/oauth/token`, {
    method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: admin }, body: 'grant_type=client_credentials&scope=admin',
  });
  adminToken = ((await res.json()) as { access_token: string }).access_token;
});

after(async () => {
  if (server) assert.equal((await server.stop()).code, 0);
  rmSync(dir, { recursive: true, force: true });
});

function raw(request: string): Promise<string> {
  const { hostname, port } = new URL(server.url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname === 'localhost' ? '127.0.0.1' : hostname);
    let text = '';
    socket.on('data', (chunk) => (text += chunk));
    socket.on('end', () => resolve(text));
    socket.on('error', reject);
    socket.end(request);
  });
}

function post(path: string, body: string, authorizations: string[]): Promise<string> {
  const headers = authorizations.map((a) => `Authorization: ${a}\r\n`).join('');
  return raw(`POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${body.length}\r\n${headers}Connection: close\r\n\r\n${body}`);
}

describe('two Authorization headers', () => {
  const cases: [string, string, () => string][] = [
    ['the token endpoint', '/oauth/token', () => 'grant_type=client_credentials'],
    ['the introspection endpoint', '/oauth/introspect', () => `token=${adminToken}`],
    ['the revocation endpoint', '/oauth/revoke', () => 'token=tat_unknown'],
  ];
  for (const [name, path, body] of cases) {
    it(`answer 400 invalid_request at ${name}, the right credentials first or second`, async () => {
      for (const pair of [[admin, basic('admin', 'wrong')], [basic('admin', 'wrong'), admin], [admin, admin]]) {
        const answer = await post(path, body(), pair);
        assert.match(answer, /^HTTP\/1\.1 400 /, answer);
        assert.match(answer, /"error":"invalid_request"/);
      }
    });
  }

  it('answer 400 invalid_request at the admin API, the valid token first or second', async () => {
    for (const pair of [[`Bearer ${adminToken}`, 'Bearer other'], ['Bearer other', `Bearer ${adminToken}`], [`Bearer ${adminToken}`, `Bearer ${adminToken}`]]) {
      const headers = pair.map((a) => `Authorization: ${a}\r\n`).join('');
      const answer = await raw(`GET /admin/v1/tenants HTTP/1.1\r\nHost: x\r\n${headers}Connection: close\r\n\r\n`);
      assert.match(answer, /^HTTP\/1\.1 400 /, answer);
      assert.match(answer, /more than one Authorization header/);
    }
  });

  it('leave one Authorization header working', async () => {
    assert.match(await post('/oauth/token', 'grant_type=client_credentials', [admin]), /^HTTP\/1\.1 200 /);
  });
});
