/**
 * `tessera serve` restarts itself in place with MALLOC_ARENA_MAX=1 on glibc
 * (argon2's 19 MiB blocks otherwise stay resident in one malloc arena per
 * libuv thread), unless the operator set the variable.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { mallocArenaEnv } from '../../src/cli/malloc-arena.ts';
import { startCliServer } from '../helpers/cli.ts';

const glibc = (process.report.getReport() as { header?: { glibcVersionRuntime?: string } }).header?.glibcVersionRuntime;
const base = { argv: ['serve', '--port', '0'], env: { PATH: '/bin' }, platform: 'linux' as const, glibc: '2.36' };

function environOf(pid: number): Map<string, string> {
  const entries = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').filter(Boolean);
  return new Map(entries.map((e) => [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)]));
}

describe('one malloc arena for tessera serve', () => {
  it('asks for MALLOC_ARENA_MAX=1, keeping the rest of the environment, only for serve on glibc Linux', () => {
    assert.deepEqual(mallocArenaEnv(base), { PATH: '/bin', MALLOC_ARENA_MAX: '1' });
    assert.equal(mallocArenaEnv({ ...base, argv: ['users', 'create', 'alice'] }), undefined);
    assert.equal(mallocArenaEnv({ ...base, argv: ['serve', '--help'] }), undefined);
    assert.equal(mallocArenaEnv({ ...base, glibc: undefined }), undefined, 'musl or another libc');
    assert.equal(mallocArenaEnv({ ...base, platform: 'darwin' }), undefined);
  });

  it("never overrides the operator's MALLOC_ARENA_MAX, whatever its value", () => {
    for (const value of ['8', '2', '']) assert.equal(mallocArenaEnv({ ...base, env: { MALLOC_ARENA_MAX: value } }), undefined);
  });

  it('runs the server process itself (same pid) with MALLOC_ARENA_MAX=1, or with the value the operator set', { skip: glibc === undefined ? 'not glibc' : process.env.MALLOC_ARENA_MAX !== undefined ? 'MALLOC_ARENA_MAX set for the test run' : false }, async () => {
    for (const [env, expected] of [[{}, '1'], [{ MALLOC_ARENA_MAX: '4' }, '4']] as const) {
      const server = await startCliServer(['--db', ':memory:'], { env: { ...env } });
      try {
        assert.equal(environOf(server.child.pid!).get('MALLOC_ARENA_MAX'), expected);
      } finally {
        assert.equal(await server.stop(), 0);
      }
    }
  });
});
