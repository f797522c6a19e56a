/**
 * Seed 003 (an ASP.NET OWIN `/Token`): its curl command, word for word — a GET
 * with a form body labelled `application/json`, the password grant, no client
 * credentials — run with the real curl against `tessera serve` set up as
 * docs/dialects.md says; the answer compared with the seed's example response.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { curl } from '../helpers/curl.ts';
import { assertSameShape, documentedJson, RFC_1123, seedText, serveSeed, shellWords, type SeedServer } from './setup.ts';

const SEED = seedText('003');
const VENDOR = 'https://sandbox.sample';
let seed: SeedServer;

before(async () => {
  seed = await serveSeed('003');
});
after(() => seed?.stop());

/** The seed's "Example Request", as words, aimed at this server (and, for some cases, with one word changed). */
function seedCurl(change: (word: string) => string = (w) => w): string[] {
  const command = /curl --location --request GET[\s\S]*?'password=password'/.exec(SEED)![0];
  return shellWords(command).slice(1).map((w) => change(w.replace(VENDOR, seed.url)));
}

const documented = documentedJson(/\{[\s\S]*?\}/.exec(SEED.slice(SEED.indexOf('Example Response')))![0]);

/** Whether an API of the operator's would still accept `token` (introspection with its own client). */
async function active(token: string): Promise<boolean> {
  const api = seed.created('accounts-api');
  const res = await curl(['-u', `accounts-api:${api.clientSecret}`, '-d', `token=${token}`, `${seed.url}/oauth/introspect`]);
  return JSON.parse(res.body).active;
}

describe('seed 003: GET /Token with a form body, the password grant and no client credentials', () => {
  let first: string;

  it('answers the seed’s curl with the seed’s members, order and types', async () => {
    const res = await curl(seedCurl());
    assert.equal(res.status, 200, res.body);
    const body = JSON.parse(res.body);
    assertSameShape(body, documented, 'token response');
    assert.equal(body.token_type, documented.token_type, '"bearer"');
    assert.equal(res.headers['cache-control'], 'no-store');
    first = body.access_token;
  });

  it('writes the values as the seed does: 14 days less a second, RFC 1123 dates 14 days apart, the user as created', async () => {
    const body = JSON.parse((await curl(seedCurl())).body);
    first = body.access_token;
    assert.equal(body.expires_in, documented.expires_in);
    for (const date of ['.issued', '.expires']) {
      assert.match(String(documented[date]), RFC_1123);
      assert.match(body[date], RFC_1123);
    }
    const span = (b: Record<string, unknown>) => Date.parse(String(b['.expires'])) - Date.parse(String(b['.issued']));
    assert.equal(span(body), span(documented));
    assert.equal(body.expires_in, span(body) / 1000 - 1, 'expires_in as OWIN reports it');
    assert.equal(body.userName, 'username', 'the username the curl logs in with');
    assert.match(body.userId, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, `a GUID like ${String(documented.userId)}`);
    assert.equal(body.role, documented.role);
    assert.match(body.access_token, /^[A-Za-z0-9_-]+$/, 'the seed’s token alphabet');
  });

  it('discards the earlier token when the same curl runs again ("discards any existing tokens")', async () => {
    assert.equal(await active(first), true);
    const second = JSON.parse((await curl(seedCurl())).body).access_token;
    assert.notEqual(second, first);
    assert.deepEqual([await active(first), await active(second)], [false, true]);
  });

  it('answers POST, and the path in any letter case, the same way (OWIN)', async () => {
    for (const change of [(w: string) => (w === 'GET' ? 'POST' : w), (w: string) => w.replace('/Token', '/token'), (w: string) => w.replace('/Token', '/TOKEN')]) {
      const res = await curl(seedCurl(change));
      assert.equal(res.status, 200, res.body);
      assertSameShape(JSON.parse(res.body), documented, 'token response');
    }
  });

  it('answers a wrong password as OWIN does', async () => {
    const res = await curl(seedCurl((w) => (w === 'password=password' ? 'password=wrong' : w)));
    assert.equal(res.status, 400);
    assert.deepEqual(JSON.parse(res.body), { error: 'invalid_grant', error_description: 'The user name or password is incorrect.' });
  });

  it('says what is wrong with a JSON body, which this page never sends', async () => {
    const res = await curl(['--request', 'GET', `${seed.url}/Token`, '--header', 'Content-Type: application/json', '--data-raw', '{"grant_type":"password","username":"username","password":"password"}']);
    assert.equal(res.status, 400);
    assert.match(JSON.parse(res.body).error_description, /^The request body is JSON; this endpoint takes form-encoded parameters/);
  });
});
