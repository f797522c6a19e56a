/**
 * The README's walkthrough from a clone, run as written (test/helpers/walkthrough.ts):
 * `npm run -s tessera -- …` piped into `jq`, `npm start &`, curl. The database
 * goes to a temporary directory (TESSERA_DB) rather than the clone, and the
 * port to a free one; nothing else differs from what a reader types.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { runWalkthrough } from '../helpers/walkthrough.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'tessera-readme-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe("the README's walkthrough from a clone", () => {
  it('gets the admin token and the billing client\'s token through its pipelines', { timeout: 120_000 }, async () => {
    const result = await runWalkthrough('clone', {
      cwd: ROOT,
      env: { ...process.env, PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ''}`, TESSERA_DB: join(dir, 'walkthrough.db'), TESSERA_LOG_LEVEL: 'warn' },
    });
    assert.equal(result.code, 0, `${result.script}\n${result.stderr}`);
    // The two curl answers (flat JSON, no final newline), among the server's log lines on the same output.
    const answers = [...result.stdout.matchAll(/\{"access_token":[^}]*\}/g)].map((m) => JSON.parse(m[0]) as Record<string, unknown>);
    assert.equal(answers.length, 2, result.stdout);
    assert.match(String(answers[0]!.access_token), /^tat_/);
    assert.equal(answers[0]!.scope, 'admin');
    assert.equal(String(answers[1]!.access_token).split('.').length, 3, 'billing gets a JWT');
  });
});
