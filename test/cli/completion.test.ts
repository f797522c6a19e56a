/**
 * `tessera completion bash|zsh`, through the real command: the script bash
 * loads completes commands, actions, flags and their values as the commands
 * declare them (entity settings, serve's configuration, token's options);
 * zsh's script parses.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { COMMANDS } from '../../src/cli/main.ts';
import { runCli } from '../helpers/cli.ts';

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'tessera-completion-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const hasZsh = await run('zsh', ['--version']).then(() => true, () => false);

describe('tessera completion', () => {
  let bashScript: string;

  before(async () => {
    const result = await runCli(['completion', 'bash']);
    assert.equal(result.code, 0, result.stderr);
    bashScript = join(dir, 'tessera.bash');
    writeFileSync(bashScript, result.stdout);
    writeFileSync(join(dir, 'tenants.db'), '');
  });

  /** What bash offers after typing `line` (a trailing space starts a new word). */
  async function complete(line: string): Promise<string[]> {
    const words = line.split(' ');
    const script = `source ${JSON.stringify(bashScript)}\nCOMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')})\nCOMP_CWORD=${words.length - 1}\n_tessera\nprintf '%s\\n' "\${COMPREPLY[@]}"`;
    const { stdout } = await run('bash', ['-c', script], { cwd: dir });
    return stdout.split('\n').filter((w) => w !== '').sort();
  }

  it('completes commands, actions, flags and the values a flag takes', async () => {
    assert.deepEqual(await complete('tessera cl'), ['clients']);
    assert.deepEqual(await complete('tessera co'), ['completion']);
    assert.deepEqual(await complete('tessera clients '), ['create', 'delete', 'list', 'lock-state', 'rotate-secret', 'show', 'unlock', 'update']);
    assert.deepEqual(await complete('tessera clients create svc --fo'), ['--format']);
    assert.deepEqual(await complete('tessera clients create svc --format '), ['jwt', 'opaque']);
    assert.deepEqual(await complete('tessera tenants update acme --alg '), ['ES256', 'EdDSA', 'RS256']);
    assert.deepEqual(await complete('tessera tenants update acme --cors'), ['--cors-origins']);
    assert.deepEqual(await complete('tessera serve --log-level '), ['debug', 'error', 'fatal', 'info', 'silent', 'trace', 'warn']);
    assert.deepEqual(await complete('tessera serve --cors'), ['--cors-origins']);
    assert.deepEqual(await complete('tessera token --grant '), ['client_credentials', 'password', 'refresh_token']);
    assert.deepEqual(await complete('tessera users list --output '), ['json', 'table']);
    assert.deepEqual(await complete('tessera keys list --db ten'), ['tenants.db']);
    assert.deepEqual(await complete('tessera completion '), ['bash', 'zsh']);
    // A flag that takes free text offers nothing, rather than other flags.
    assert.deepEqual(await complete('tessera clients create svc --scopes '), []);
  });

  it("offers every flag every command declares, so a new flag is completed without touching the script's generator", async () => {
    for (const [name, entry] of Object.entries(COMMANDS)) {
      const { spec } = await entry.load();
      const offered = await complete(`tessera ${name} ${spec.actions?.[0] ?? ''} --`.replace('  ', ' '));
      const declared = Object.keys(spec.options).map((o) => `--${o}`).sort();
      assert.deepEqual(offered, declared, name);
    }
  });

  it('prints a zsh script that zsh parses, with the same declarations', { skip: hasZsh ? false : 'zsh is not installed (bash .ci/run installs it)' }, async () => {
    const result = await runCli(['completion', 'zsh']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^#compdef tessera\n/);
    assert.match(result.stdout, /'--format=:value:\(opaque jwt\)'/);
    assert.match(result.stdout, /'--db=:path:_files'/);
    const file = join(dir, '_tessera');
    writeFileSync(file, result.stdout);
    await run('zsh', ['-n', file]);
    // Loaded as a completion function in a real zsh, it defines _tessera without complaint.
    const { stdout, stderr } = await run('zsh', ['-f', '-c', `autoload -Uz compinit && compinit -u -d ${JSON.stringify(join(dir, 'zcompdump'))} && source ${JSON.stringify(file)} && whence -w _tessera`]);
    assert.equal(stderr, '');
    assert.equal(stdout.trim(), '_tessera: function');
  });

  it('refuses an unknown shell as a usage error', async () => {
    const result = await runCli(['completion', 'fish']);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /^tessera completion: unknown shell 'fish'/);
  });
});
