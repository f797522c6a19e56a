import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, validateConfig } from '../../src/config/config.ts';

describe('keyPrePublicationSeconds', () => {
  it('defaults to an hour and takes a number from a file or a string from the environment', () => {
    assert.equal(validateConfig({}).keyPrePublicationSeconds, 3600);
    assert.equal(validateConfig({ keyPrePublicationSeconds: 0 }).keyPrePublicationSeconds, 0);
    assert.equal(validateConfig({ keyPrePublicationSeconds: '900' }).keyPrePublicationSeconds, 900);
  });
  it('refuses a negative, fractional or over-long delay at start-up, naming the key', () => {
    for (const value of [-1, 1.5, 31 * 24 * 3600, 'soon']) {
      assert.throws(() => validateConfig({ keyPrePublicationSeconds: value }), (e: unknown) => e instanceof ConfigError && /keyPrePublicationSeconds/.test(e.message));
    }
  });
});

describe('keyRefreshSeconds', () => {
  it('defaults to 30 seconds and takes a number from a file', () => {
    assert.equal(validateConfig({}).keyRefreshSeconds, 30);
    assert.equal(validateConfig({ keyRefreshSeconds: 1 }).keyRefreshSeconds, 1);
    assert.equal(validateConfig({ keyRefreshSeconds: '5' }).keyRefreshSeconds, 5);
  });
  it('refuses zero, a fraction or more than an hour at start-up, naming the key', () => {
    for (const value of [0, -1, 1.5, 3601, 'often']) {
      assert.throws(() => validateConfig({ keyRefreshSeconds: value }), (e: unknown) => e instanceof ConfigError && /keyRefreshSeconds/.test(e.message));
    }
  });
});
