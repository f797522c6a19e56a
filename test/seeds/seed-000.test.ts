/**
 * Seed 000 (a call-tracking API): `curl -X POST -d 'grant_type=client_credentials'
 * -u 'username:password' https://api.trkcall.com/v2/token/`, replayed with the
 * seed's own curl arguments against `tessera serve` set up as docs/dialects.md
 * says; then the token used as the seed's later requests use it.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createBearerVerifier } from '../../src/verify/index.ts';
import { curl } from '../helpers/curl.ts';
import { assertSameShape, documentedJson, seedText, serveSeed, shellWords, type SeedServer } from './setup.ts';

const SEED = seedText('000');
const VENDOR = 'https://api.trkcall.com';
let seed: SeedServer;

before(async () => {
  seed = await serveSeed('000');
});
after(() => seed?.stop());

/** The seed's curl command (its first), as words, aimed at this server. */
function seedCurl(): string[] {
  const line = /curl -X POST [^`\n]*?\/v2\/token\//.exec(SEED)![0];
  const words = shellWords(line).slice(1);
  assert.ok(words.includes(`${VENDOR}/v2/token/`));
  return words.map((w) => w.replace(VENDOR, seed.url));
}

describe('seed 000: POST /v2/token/ with curl -u username:password', () => {
  let token: string;

  it('answers the seed’s curl as the seed’s response: the same members, order, types and values', async () => {
    const res = await curl(seedCurl());
    assert.equal(res.status, 200, res.body);
    const documented = documentedJson(/\{"access_token":[^}]*\}/.exec(SEED)![0]);
    const body = JSON.parse(res.body);
    assertSameShape(body, documented, 'token response');
    assert.equal(body.token_type, documented.token_type, '"bearer", in lower case');
    assert.equal(body.expires_in, documented.expires_in);
    // The seed elides its token (`_NRyFKc...MzUpw`); its characters are base64url's, and so are Tessera's.
    assert.match(body.access_token, /^[A-Za-z0-9_-]+$/);
    assert.equal(res.headers['cache-control'], 'no-store');
    assert.match(res.headers['content-type']!, /^application\/json/);
    token = body.access_token;
  });

  it('authenticates a later request carrying "Authorization: Bearer {{access_token}}" with the seed’s account filter', async () => {
    const usage = /Authorization: Bearer \{\{access_token\}\}/.exec(SEED)![0];
    const accounts = /\?account=[\d,]+/.exec(SEED)![0];
    const paging = /\?perPage=\d+&page=\d+/.exec(SEED)![0];
    const api = seed.created('accounts-api');
    // An API of the operator's, as docs/tokens-and-verification.md sets one up: opaque tokens by introspection.
    // The default tenant's issuer follows the server's URL (init names one, serve moves it to the port it listens on).
    const { issuer } = (await (await fetch(`${seed.url}/.well-known/oauth-authorization-server`)).json()) as { issuer: string };
    const verifier = createBearerVerifier({
      issuer,
      tenant: 'default',
      introspection: { endpoint: `${seed.url}/t/default/oauth/introspect`, clientId: 'accounts-api', clientSecret: api.clientSecret! },
    });
    const request = { headers: { authorization: usage.slice('Authorization: '.length).replace('{{access_token}}', token) }, url: `/v2/calls${paging}&${accounts.slice(1)}` };
    const result = await verifier.authenticate(request, { accountParameter: 'account' });
    assert.ok(result.ok, result.ok ? '' : result.error.detail);
    assert.deepEqual(result.ok && result.auth.selectedAccounts, ['20000', '20001']);
  });

  it('refuses a wrong password with invalid_client and a Basic challenge', async () => {
    const res = await curl(seedCurl().map((w) => (w === 'username:password' ? 'username:wrong-password' : w)));
    assert.equal(res.status, 401);
    assert.equal(JSON.parse(res.body).error, 'invalid_client');
    assert.match(res.headers['www-authenticate']!, /^Basic /);
  });
});
