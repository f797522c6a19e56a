/**
 * Seed 001 (a config API): the raw HTTP request of its example, byte for byte,
 * against `tessera serve` set up as docs/dialects.md says: client credentials
 * and a required `tenant` ("Tenant URL") in a form body, an RS256 JWT back.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { curl } from '../helpers/curl.ts';
import { assertSameShape, documentedJson, rawHttp, seedText, serveSeed, type SeedServer } from './setup.ts';

const SEED = seedText('001');
let seed: SeedServer;

before(async () => {
  seed = await serveSeed('001');
});
after(() => seed?.stop());

/**
 * The seed prints its request on one line: `POST <path> HTTP/1.1 Host: <host>
 * Content-Type: <type> <body>`. Sent as HTTP/1.1 with its line breaks back,
 * plus the Content-Length and Connection headers a socket needs.
 */
function seedRequest(body?: string): { path: string; host: string; body: string; raw: string } {
  const [, path, host, type, seedBody] = /^(POST \S+) HTTP\/1\.1 Host: (\S+) Content-Type: (\S+) (\S+)$/m.exec(SEED)!.map(String) as [string, string, string, string, string];
  const sent = body ?? seedBody;
  const raw = `${path} HTTP/1.1\r\nHost: ${host}\r\nContent-Type: ${type}\r\nContent-Length: ${Buffer.byteLength(sent)}\r\nConnection: close\r\n\r\n${sent}`;
  return { path: path.slice(5), host, body: sent, raw };
}

/** The response the seed documents: `{ "access_token":"eyJ…", "token_type":"Bearer", "expires_in":"3599", }`. */
const documented = documentedJson(/\{ "access_token":[\s\S]*?\}/.exec(SEED)![0]);

describe('seed 001: POST /configapi/v2/oauth/token with the tenant in the form body', () => {
  let token: string;

  it('answers the seed’s raw request with the seed’s members, order, types, and the string "3599"', async () => {
    const request = seedRequest();
    assert.equal(request.path, '/configapi/v2/oauth/token');
    const res = await rawHttp(seed.port, request.raw);
    assert.equal(res.status, 200, res.body);
    const body = JSON.parse(res.body);
    assertSameShape(body, documented, 'token response');
    assert.equal(body.token_type, documented.token_type);
    assert.equal(body.expires_in, documented.expires_in, 'a one-hour token, reported as the seed reports it');
    assert.equal(res.headers['cache-control'], 'no-store');
    token = body.access_token;
  });

  it('signs the JWT the seed shows: its encoded header begins as the seed’s, RS256, with typ JWT as its usage example', () => {
    const shown = String(documented.access_token).split('...')[0]!;
    let common = 0;
    while (common < shown.length && shown[common] === token[common]) common++;
    // `eyJhbGciOiJSUzI1NiI` is `{"alg":"RS256"`; what follows in the seed before its ellipsis is no header (elided).
    assert.ok(common >= 'eyJhbGciOiJSUzI1NiI'.length, `shared prefix ${token.slice(0, common)}`);
    const header = decodeProtectedHeader(token);
    assert.equal(header.alg, 'RS256');
    const usage = /Authorization: Bearer (eyJ\S+)/.exec(SEED)![1]!;
    assert.ok(Buffer.from(usage, 'base64url').toString().startsWith('{"typ":"JWT"'));
    assert.equal(header.typ, 'JWT');
    const claims = decodeJwt(token);
    assert.deepEqual([claims.iss, claims.client_id, claims.tenant], ['https://example.com', 'client-id', 'example.com']);
  });

  it('finds the tenant by its URL as well ("Tenant URL": https://example.com)', async () => {
    const request = seedRequest(seedRequest().body.replace('tenant=example.com', `tenant=${encodeURIComponent('https://example.com')}`));
    const res = await rawHttp(seed.port, request.raw);
    assert.equal(res.status, 200, res.body);
    assert.equal(decodeJwt(JSON.parse(res.body).access_token).tenant, 'example.com');
  });

  it('refuses the request without its required tenant', async () => {
    const request = seedRequest(seedRequest().body.replace('&tenant=example.com', ''));
    const res = await rawHttp(seed.port, request.raw);
    assert.equal(res.status, 400);
    assert.deepEqual(JSON.parse(res.body), { error: 'invalid_request', error_description: 'Missing required parameter: tenant' });
  });

  it('serves the token’s later requests as RFC 6750 says (the admin API’s Bearer reading refuses it without the admin scope)', async () => {
    const res = await curl([`${seed.url}/admin/v1/tenants/example.com/users`, '-H', `Authorization: Bearer ${token}`]);
    assert.equal(res.status, 403);
    assert.match(res.headers['www-authenticate']!, /^Bearer .*error="insufficient_scope"/);
  });
});
