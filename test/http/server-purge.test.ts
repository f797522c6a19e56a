/** The server runs the expired-token purger on its interval and stops it on close. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { validateConfig } from '../../src/config/config.ts';
import { startServer } from '../../src/server/start-server.ts';
import { createMemoryStore } from '../../src/store/memory/memory-store.ts';
import { token } from '../../src/store/contract.ts';

describe('expired-token purge in the server', () => {
  it('deletes expired tokens on its interval, keeps live ones, and stops with the server', async () => {
    const store = createMemoryStore();
    const now = Date.now();
    await store.tokens.saveToken(token('expired', { expiresAt: now - 1000 }));
    await store.tokens.saveToken(token('live', { expiresAt: now + 3600_000 }));
    const server = await startServer(validateConfig({ port: 0, logLevel: 'silent', purgeIntervalMs: 10, purgeBatchSize: 1 }), { store });
    try {
      for (let i = 0; i < 500 && (await store.tokens.findToken('expired')) !== undefined; i++) await new Promise((r) => setTimeout(r, 10));
      assert.equal(await store.tokens.findToken('expired'), undefined);
      assert.ok(await store.tokens.findToken('live'));
    } finally {
      await server.close();
    }
    await store.tokens.saveToken(token('after-close', { expiresAt: now - 1000 }));
    await new Promise((r) => setTimeout(r, 50));
    assert.ok(await store.tokens.findToken('after-close'), 'no purge runs once the server closed');
  });

  it('validates the purge settings at start-up', () => {
    assert.throws(() => validateConfig({ purgeBatchSize: 0 }), /purgeBatchSize must be an integer from 1/);
    assert.throws(() => validateConfig({ purgeIntervalMs: -1 }), /purgeIntervalMs must be an integer from 0/);
    assert.equal(validateConfig({}).purgeIntervalMs, 60_000);
    assert.equal(validateConfig({}).purgeBatchSize, 1000);
  });
});
