import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { OAuthError } from '../../src/core/errors.ts';
import { parseBasicAuthorization } from '../../src/http/parse/basic-credentials.ts';

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');

describe('Basic client credentials (RFC 6749 §2.3.1)', () => {
  it('reads a raw id:secret pair as curl -u sends it', () => {
    assert.deepEqual(parseBasicAuthorization(`Basic ${b64('username:password')}`), {
      method: 'client_secret_basic', clientId: 'username', clientSecret: 'password',
    });
  });
  it('form-url-decodes an encoded pair and keeps the raw pair as a fallback', () => {
    const parsed = parseBasicAuthorization(`Basic ${b64('my%3Aclient:p%40ss+word')}`)!;
    assert.equal(parsed.clientId, 'my:client');
    assert.equal(parsed.clientSecret, 'p@ss word');
    assert.deepEqual(parsed.raw, { clientId: 'my%3Aclient', clientSecret: 'p@ss+word'.replace('@', '%40') });
  });
  it('splits at the first colon, so secrets may contain colons', () => {
    assert.equal(parseBasicAuthorization(`Basic ${b64('id:a:b')}`)?.clientSecret, 'a:b');
  });
  it('accepts the scheme name in any case and unpadded Base64', () => {
    assert.equal(parseBasicAuthorization(`bAsIc ${b64('ab:cdefgh').replace(/=+$/, '')}`)?.clientId, 'ab');
  });
  it('keeps a value that is not valid percent-encoding as it is', () => {
    assert.equal(parseBasicAuthorization(`Basic ${b64('id:100%sure')}`)?.clientSecret, '100%sure');
  });

  const refusals: [string, string, RegExp][] = [
    ['a header that is not Base64', 'Basic !!!notbase64', /not Base64/],
    ['a header with nothing after Basic', 'Basic', /no credentials/],
    ['a value without a colon', `Basic ${b64('justanid')}`, /no ':'/],
    ['an empty client_id', `Basic ${b64(':secret')}`, /empty client_id/],
    ['an empty client_secret', `Basic ${b64('id:')}`, /empty client_secret/],
    ['a non-Basic scheme', 'Bearer abc', /use Basic/],
    ['bytes that are not UTF-8', `Basic ${Buffer.from([0x69, 0x64, 0x3a, 0xff, 0xfe]).toString('base64')}`, /not valid UTF-8/],
  ];
  for (const [name, header, message] of refusals) {
    it(`refuses ${name}`, () => {
      assert.throws(() => parseBasicAuthorization(header), (e: unknown) => {
        assert.ok(e instanceof OAuthError);
        assert.match(e.description, message);
        return true;
      });
    });
  }
  it('returns nothing when there is no header', () => {
    assert.equal(parseBasicAuthorization(undefined), undefined);
  });
});
