/** The server-wide `corsOrigins` setting and the origin form both allow-lists hold. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError } from '../../src/config/config.ts';
import { loadConfig } from '../../src/config/load-config.ts';
import { parseOrigin } from '../../src/core/web-origin.ts';

describe('web origins', () => {
  it('keeps an origin in the form browsers send: lowercase host, no default port, no slash', () => {
    assert.equal(parseOrigin('https://App.Example.com:443'), 'https://app.example.com');
    assert.equal(parseOrigin('http://localhost:5173/'), 'http://localhost:5173');
    assert.equal(parseOrigin('*'), '*');
  });

  it('refuses what is not an origin rather than cutting it down to one', () => {
    for (const value of ['https://app.example.com/login', 'https://app.example.com/?x=1', 'https://user@app.example.com', 'ftp://files.example.com', 'app.example.com', 'null', '']) {
      assert.equal(parseOrigin(value), undefined, value);
    }
  });
});

describe('corsOrigins', () => {
  it('is empty by default: CORS is off', () => {
    assert.deepEqual(loadConfig({}).corsOrigins, []);
  });

  it('takes a comma-separated list from the environment, and a list from a flag or file', () => {
    assert.deepEqual(loadConfig({ env: { TESSERA_CORS_ORIGINS: 'https://App.example.com, http://localhost:5173' } }).corsOrigins, ['https://app.example.com', 'http://localhost:5173']);
    assert.deepEqual(loadConfig({ flags: { corsOrigins: ['*'] } }).corsOrigins, ['*']);
  });

  it('names the key and the entry at fault', () => {
    assert.throws(() => loadConfig({ env: { TESSERA_CORS_ORIGINS: 'https://app.example.com/login' } }), (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      assert.equal(error.message, 'configuration: corsOrigins has "https://app.example.com/login", which is not a web origin such as https://app.example.com (scheme, host and port only), or *');
      return true;
    });
  });
});
