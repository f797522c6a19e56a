/**
 * `tessera serve` restarts itself in place with MALLOC_ARENA_MAX=1 on glibc
 * (argon2's 19 MiB blocks otherwise stay resident in one malloc arena per
 * libuv thread) and with V8's young generation capped (a fast token load
 * otherwise grows it by tens of MB and keeps them), unless the operator chose
 * either.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { serveRestart, YOUNG_GENERATION_FLAG } from '../../src/cli/memory-restart.ts';
import { startCliServer } from '../helpers/cli.ts';

const glibc = (process.report.getReport() as { header?: { glibcVersionRuntime?: string } }).header?.glibcVersionRuntime;
const base = { argv: ['serve', '--port', '0'], env: { PATH: '/bin' }, execArgv: [], platform: 'linux' as const, glibc: '2.36' };

function environOf(pid: number): Map<string, string> {
  const entries = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').filter(Boolean);
  return new Map(entries.map((e) => [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)]));
}

function commandLineOf(pid: number): string[] {
  return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
}

describe('memory settings for tessera serve', () => {
  it('asks for MALLOC_ARENA_MAX=1 and the young-generation cap, keeping the rest, only for serve', () => {
    assert.deepEqual(serveRestart(base), { env: { PATH: '/bin', MALLOC_ARENA_MAX: '1' }, execArgv: [YOUNG_GENERATION_FLAG] });
    assert.deepEqual(serveRestart({ ...base, execArgv: ['--enable-source-maps'] })?.execArgv, ['--enable-source-maps', YOUNG_GENERATION_FLAG]);
    assert.equal(serveRestart({ ...base, argv: ['users', 'create', 'alice'] }), undefined);
    assert.equal(serveRestart({ ...base, argv: ['serve', '--help'] }), undefined);
  });

  it('sets the arena only on glibc Linux, and the young generation everywhere', () => {
    for (const other of [{ glibc: undefined }, { platform: 'darwin' as const, glibc: undefined }]) {
      assert.deepEqual(serveRestart({ ...base, ...other }), { env: { PATH: '/bin' }, execArgv: [YOUNG_GENERATION_FLAG] });
    }
  });

  it("never overrides the operator's MALLOC_ARENA_MAX, whatever its value", () => {
    for (const value of ['8', '2', '']) {
      assert.deepEqual(serveRestart({ ...base, env: { MALLOC_ARENA_MAX: value } }), { env: { MALLOC_ARENA_MAX: value }, execArgv: [YOUNG_GENERATION_FLAG] });
    }
  });

  it("never overrides the operator's young-generation size, on node's command line or in NODE_OPTIONS", () => {
    for (const execArgv of [['--max-semi-space-size=32'], ['--max_semi_space_size=2'], ['--max-semi-space-size', '4']]) {
      assert.deepEqual(serveRestart({ ...base, execArgv })?.execArgv, execArgv);
    }
    for (const NODE_OPTIONS of ['--max-semi-space-size=32', '--enable-source-maps --max_semi_space_size=2']) {
      assert.deepEqual(serveRestart({ ...base, env: { NODE_OPTIONS } })?.execArgv, []);
    }
    // A different flag that merely starts alike is not the operator's choice.
    assert.deepEqual(serveRestart({ ...base, env: { NODE_OPTIONS: '--max-semi-space-size-ish=1' } })?.execArgv, [YOUNG_GENERATION_FLAG]);
    assert.equal(serveRestart({ ...base, env: { MALLOC_ARENA_MAX: '2' }, execArgv: ['--max-semi-space-size=16'] }), undefined, 'nothing left to set');
  });

  it('runs the server process itself (same pid) with both settings, or with the values the operator set', { skip: glibc === undefined ? 'not glibc' : process.env.MALLOC_ARENA_MAX !== undefined ? 'MALLOC_ARENA_MAX set for the test run' : false }, async () => {
    const cases: { env: Record<string, string>; arena: string; flag: string | undefined }[] = [
      { env: { NODE_OPTIONS: '' }, arena: '1', flag: YOUNG_GENERATION_FLAG },
      { env: { NODE_OPTIONS: '--max-semi-space-size=2', MALLOC_ARENA_MAX: '4' }, arena: '4', flag: undefined },
    ];
    for (const { env, arena, flag } of cases) {
      const server = await startCliServer(['--db', ':memory:'], { env });
      try {
        assert.equal(environOf(server.child.pid!).get('MALLOC_ARENA_MAX'), arena);
        const semiSpaceFlags = commandLineOf(server.child.pid!).filter((arg) => arg.includes('semi-space'));
        assert.deepEqual(semiSpaceFlags, flag === undefined ? [] : [flag]);
      } finally {
        assert.equal(await server.stop(), 0);
      }
    }
  });
});
