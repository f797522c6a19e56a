/**
 * Seed 004: client credentials in a JSON body at `/oauth/token`, by POST in its
 * snippets and by GET in its prose. Its curl snippet is run word for word with
 * the real curl (the placeholders `<<api_base_path>>`, `<<client_id>>` and
 * `<<client_secret>>` filled in, as its reader is told to), its Ruby and PHP
 * snippets' bytes sent as they send them, against `tessera serve` set up as
 * docs/dialects.md says.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { curl } from '../helpers/curl.ts';
import { seedText, serveSeed, shellWords, type SeedServer } from './setup.ts';

const SEED = seedText('004');
let seed: SeedServer;
let secret: string;

before(async () => {
  seed = await serveSeed('004');
  secret = seed.created('seed-004-app').clientSecret!;
});
after(() => seed?.stop());

const fill = (text: string) =>
  text.replace('https://<<api_base_path>>', seed.url).replace('<<client_id>>', 'seed-004-app').replace('<<client_secret>>', secret);

/** The seed's curl snippet, as words, placeholders filled in; `method` replaces its `--request POST`. */
function seedCurl(method = 'POST'): string[] {
  const command = /curl --location --request POST[\s\S]*?\}'/.exec(SEED)![0];
  return shellWords(command).slice(1).map((w) => fill(w)).map((w, i, all) => (all[i - 1] === '--request' ? method : w));
}

/** What the seed's code reads: `response_payload['access_token']` and `['expires_in']` ("expired in N seconds"). */
function assertReadable(body: Record<string, unknown>): void {
  assert.equal(typeof body.access_token, 'string');
  assert.match(String(body.access_token), /^[A-Za-z0-9_-]+$/);
  assert.equal(typeof body.expires_in, 'number');
  assert.ok(Number(body.expires_in) > 0);
}

describe('seed 004: a JSON body at /oauth/token', () => {
  it('answers the seed’s curl with the access_token and expires_in its code reads', async () => {
    const res = await curl(seedCurl());
    assert.equal(res.status, 200, res.body);
    assertReadable(JSON.parse(res.body));
    assert.equal(res.headers['cache-control'], 'no-store');
  });

  it('answers GET <<api_base_path>>/oauth/token, as its prose says to call it', async () => {
    assert.match(SEED, /GET <<api_base_path>>\/oauth\/token/);
    const res = await curl(seedCurl('GET'));
    assert.equal(res.status, 200, res.body);
    assertReadable(JSON.parse(res.body));
  });

  it('answers the bytes of its Ruby and PHP snippets: Content-Type application/json and the compact JSON they encode', async () => {
    assert.match(SEED, /request\["Content-Type"\] = "application\/json"/);
    assert.match(SEED, /"Content-Type: application\/json"/);
    // Ruby's JSON.generate and PHP's json_encode write the payload's members in order, without spaces.
    const payload = JSON.stringify({ client_id: 'seed-004-app', client_secret: secret, grant_type: 'client_credentials' });
    const res = await fetch(`${seed.url}/oauth/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: payload });
    assert.equal(res.status, 200);
    assertReadable((await res.json()) as Record<string, unknown>);
  });

  it('issues a new token when called again ("If it is expired, simply call GET /oauth/token again")', async () => {
    const first = JSON.parse((await curl(seedCurl('GET'))).body).access_token;
    const second = JSON.parse((await curl(seedCurl('GET'))).body).access_token;
    assert.notEqual(first, second);
  });
});
