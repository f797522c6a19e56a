/** When a start warns that the issuer it advertises is not where it can be reached (test/cli/issuer.test.ts sees the warning). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { issuerMismatch } from '../../src/server/advertised-issuer.ts';

describe('the advertised issuer and where the server listens', () => {
  it('matches at the same scheme and port, loopback names alike, any host when listening on every address', () => {
    assert.equal(issuerMismatch('http://localhost:8080', 'http://127.0.0.1:8080', undefined), undefined);
    assert.equal(issuerMismatch('http://127.0.0.1:8080', 'http://localhost:8080', undefined), undefined);
    assert.equal(issuerMismatch('http://auth.internal:8080', 'http://0.0.0.0:8080', undefined), undefined);
    assert.equal(issuerMismatch('http://localhost:80', 'http://[::1]:80', undefined), undefined);
  });

  it('does not match another port, scheme or host', () => {
    for (const issuer of ['http://localhost:9000', 'https://localhost:8080', 'http://auth.example.com:8080']) {
      assert.match(issuerMismatch(issuer, 'http://127.0.0.1:8080', undefined) ?? '', /is not where this server listens \(http:\/\/127\.0\.0\.1:8080\) and no publicUrl is set/, issuer);
    }
  });

  it('with publicUrl, wants the issuer at or below it, wherever the server listens', () => {
    assert.equal(issuerMismatch('https://auth.example.com', 'http://127.0.0.1:8080', 'https://auth.example.com'), undefined);
    assert.equal(issuerMismatch('https://auth.example.com/t/acme', 'http://127.0.0.1:8080', 'https://auth.example.com'), undefined);
    assert.equal(issuerMismatch('https://auth.example.com.evil', 'http://127.0.0.1:8080', 'https://auth.example.com'), 'is not below publicUrl https://auth.example.com');
    assert.equal(issuerMismatch('http://localhost:8080', 'http://127.0.0.1:8080', 'https://auth.example.com'), 'is not below publicUrl https://auth.example.com');
  });
});
