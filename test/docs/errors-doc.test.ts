import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { OAUTH_ERROR_CODES, OAuthError } from '../../src/core/errors.ts';

const doc = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');
const rows = new Map(
  [...doc.matchAll(/^\| `([a-z_]+)` \| (\d{3})/gm)].map((m) => [m[1]!, Number(m[2])]),
);

describe('docs/errors.md', () => {
  it('lists exactly the error codes the code can emit', () => {
    assert.deepEqual([...rows.keys()].sort(), [...OAUTH_ERROR_CODES].sort());
  });
  it("gives each code the status the code uses by default", () => {
    for (const code of OAUTH_ERROR_CODES) {
      assert.equal(rows.get(code), new OAuthError(code, 'x').status, code);
    }
  });
});
