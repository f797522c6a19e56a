/** Taking the access token off a request, and every malformed way of sending one. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BearerError } from '../../src/verify/bearer-error.ts';
import { extractBearerToken, type BearerRequest } from '../../src/verify/bearer-request.ts';

const TOKEN = 'tat_AbC-123_xyz';

describe('extracting the bearer token', () => {
  const accepted: [string, BearerRequest, string][] = [
    ['from an Authorization header', { headers: { authorization: `Bearer ${TOKEN}` } }, TOKEN],
    ['with the scheme in lower case', { headers: { authorization: `bearer ${TOKEN}` } }, TOKEN],
    ['with the scheme in upper case', { headers: { authorization: `BEARER ${TOKEN}` } }, TOKEN],
    ['with several spaces after the scheme', { headers: { authorization: `Bearer   ${TOKEN}` } }, TOKEN],
    ['a JWT with base64 padding characters', { headers: { authorization: 'Bearer a.b.c==' } }, 'a.b.c=='],
    ['from a Web Headers object', { headers: new Headers({ Authorization: `Bearer ${TOKEN}` }) }, TOKEN],
    ['from a header record with another capitalisation', { headers: { Authorization: `Bearer ${TOKEN}` } }, TOKEN],
  ];
  for (const [name, request, token] of accepted) it(`takes the token ${name}`, () => assert.equal(extractBearerToken(request), token));

  const refused: [string, BearerRequest, BearerError['code'], RegExp][] = [
    ['no Authorization header', { headers: {} }, undefined, /required/],
    ['an empty Authorization header', { headers: { authorization: '' } }, undefined, /required/],
    ['another scheme (Basic)', { headers: { authorization: 'Basic dXNlcjpwYXNz' } }, undefined, /required/],
    ['"Bearer" without a token', { headers: { authorization: 'Bearer' } }, 'invalid_request', /no token/],
    ['"Bearer " and spaces only', { headers: { authorization: 'Bearer    ' } }, 'invalid_request', /no token/],
    ['two tokens', { headers: { authorization: `Bearer ${TOKEN} ${TOKEN}` } }, 'invalid_request', /malformed/],
    ['characters outside b64token', { headers: { authorization: 'Bearer tok"en' } }, 'invalid_request', /malformed/],
    ['padding in the middle', { headers: { authorization: 'Bearer ab=cd' } }, 'invalid_request', /malformed/],
    ['a duplicated header as Node lists it', { headers: { authorization: `Bearer ${TOKEN}` }, rawHeaders: ['Authorization', `Bearer ${TOKEN}`, 'authorization', 'Bearer other'] }, 'invalid_request', /more than one Authorization/],
    ['a duplicated header given as an array', { headers: { authorization: [`Bearer ${TOKEN}`, 'Bearer other'] } }, 'invalid_request', /more than one Authorization/],
    ['a duplicated header joined by Headers', { headers: new Headers([['authorization', `Bearer ${TOKEN}`], ['authorization', 'Bearer other']]) }, 'invalid_request', /malformed/],
    ['a token in the query string', { headers: {}, url: `/accounts?access_token=${TOKEN}` }, 'invalid_request', /query string/],
    ['a query-string token beside a header', { headers: { authorization: `Bearer ${TOKEN}` }, url: `/x?access_token=${TOKEN}` }, 'invalid_request', /query string/],
  ];
  for (const [name, request, code, description] of refused) {
    it(`refuses ${name}${code ? ` with ${code}` : ' without an error code'}`, () => {
      const result = extractBearerToken(request);
      assert.ok(result instanceof BearerError, String(result));
      assert.equal(result.code, code);
      assert.match(result.description, description);
    });
  }

  describe('with query-string tokens enabled', () => {
    const options = { allowQueryToken: true };
    it('takes the token from ?access_token=', () => {
      assert.equal(extractBearerToken({ headers: {}, url: `https://api.test/accounts?page=1&access_token=${TOKEN}` }, options), TOKEN);
    });
    it('still refuses a token sent both ways, or twice in the query', () => {
      for (const request of [
        { headers: { authorization: `Bearer ${TOKEN}` }, url: `/x?access_token=${TOKEN}` },
        { headers: {}, url: `/x?access_token=${TOKEN}&access_token=${TOKEN}` },
      ]) {
        const result = extractBearerToken(request, options);
        assert.ok(result instanceof BearerError && result.code === 'invalid_request' && /more than one/.test(result.description));
      }
    });
  });
});
