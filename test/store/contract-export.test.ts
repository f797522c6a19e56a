/**
 * The store contract is runnable by a third party's adapter: a test file of
 * theirs calls `storeContract` with their store, and may leave out tests by
 * name, with a reason the report shows.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const contract = fileURLToPath(new URL('../../src/store/contract.ts', import.meta.url));
const memory = fileURLToPath(new URL('../../src/store/memory/memory-store.ts', import.meta.url));

describe('the store contract, run by an adapter of someone else', () => {
  it('runs every test against the given store, leaving out the ones named in skipTests', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tessera-contract-'));
    try {
      const file = join(dir, 'my-adapter.test.ts');
      writeFileSync(file, `
        import { storeContract } from ${JSON.stringify(contract)};
        import { createMemoryStore } from ${JSON.stringify(memory)};
        storeContract('my adapter', async () => createMemoryStore(), {
          skipTests: { 'tokens: revokes one token once': 'revocation comes in version 2' },
        });
      `);
      // Without the parent's NODE_TEST_CONTEXT the child reports on its own stdout, as a user's run would.
      const { NODE_TEST_CONTEXT: _parent, ...env } = process.env;
      const run = spawnSync(process.execPath, ['--test', '--test-reporter=tap', file], { encoding: 'utf8', env });
      assert.equal(run.status, 0, run.stdout + run.stderr);
      assert.match(run.stdout, /ok \d+ - revokes one token once # SKIP revocation comes in version 2/);
      assert.match(run.stdout, /# skipped 1\n/);
      assert.match(run.stdout, /# fail 0\n/);
      assert.ok(Number(/# pass (\d+)/.exec(run.stdout)![1]) > 40, 'the rest of the contract ran');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
