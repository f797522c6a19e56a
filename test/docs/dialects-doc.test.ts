/**
 * docs/dialects.md has, for every seed in shared/seeds, the commands that set
 * it up (test/seeds/ runs them) and a table of what the seed shows, what
 * reproduces it in Tessera, and what still differs.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { docSetup, ROOT, SEEDS_DIR } from '../seeds/setup.ts';

const doc = readFileSync(join(ROOT, 'docs', 'dialects.md'), 'utf8');
const seeds = readdirSync(SEEDS_DIR).map((name) => name.slice(0, 3)).sort();

describe('docs/dialects.md', () => {
  it('covers every seed', () => {
    assert.deepEqual(seeds, ['000', '001', '002', '003', '004']);
    assert.deepEqual(Object.keys(docSetup().seeds).sort(), seeds);
  });

  for (const seed of seeds) {
    it(`has seed ${seed}'s set-up commands and its table of what it shows, what reproduces it, and what differs`, () => {
      const section = doc.split(/^## /m).find((s) => s.startsWith(`Seed ${seed}`));
      assert.ok(section, `no "## Seed ${seed}" section`);
      assert.ok(docSetup().seeds[seed]!.length > 0);
      assert.match(section, /^\| the seed shows \| Tessera \| remaining difference \|$/m);
      const rows = section.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| the seed shows'));
      assert.ok(rows.length >= 3, `seed ${seed} has ${rows.length} rows`);
      for (const row of rows) assert.equal(row.split(' | ').length, 3, row);
    });
  }
});
