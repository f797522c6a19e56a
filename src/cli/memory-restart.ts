/**
 * `tessera serve` restarts itself once, in place (`process.execve`: same pid,
 * same stdio, same arguments), with two memory settings that can only be made
 * before the process starts. Each is left alone when the operator chose it.
 *
 * 1. `MALLOC_ARENA_MAX=1` (Linux with glibc). Each argon2id hash allocates
 *    19 MiB in whichever libuv thread runs it. glibc gives every thread its own
 *    malloc arena and, after the first such block is freed, raises its mmap
 *    threshold above 19 MiB, so later blocks come from the arenas and stay
 *    there when freed (an arena's free top is kept up to twice that
 *    threshold). With libuv's four threads that kept several such blocks resident
 *    under a login load however low `argon2Concurrency` was; one arena keeps
 *    about `argon2Concurrency` + 1 blocks, with no more page faults and no
 *    measurable CPU cost: argon2 calls malloc once per hash, so the shared
 *    arena's lock is not contended (docs/deployment.md has the figures).
 *    glibc reads the variable once, before any JavaScript runs. Opt out by
 *    setting `MALLOC_ARENA_MAX` yourself (any value; glibc's default is
 *    8 × cores).
 *
 * 2. `--max-semi-space-size=8` (V8's young generation, in MiB per semi-space).
 *    V8 grows the young generation with the allocation rate, up to a ceiling
 *    it derives from the heap limit (on a 24 GB machine, 64 MiB per
 *    semi-space), and keeps what it grew. A fast token load allocates enough to
 *    grow it to that ceiling within seconds, for no measurable throughput:
 *    scavenges cost by what survives, and a token request's objects are dead
 *    a millisecond later (docs/deployment.md has the figures).
 *    V8 sizes the heap when the isolate starts, so `v8.setFlagsFromString`
 *    comes too late. Opt out by giving `--max-semi-space-size` yourself (on
 *    node's command line or in `NODE_OPTIONS`).
 */

/** The young-generation flag `serve` adds unless the operator gave one. */
export const YOUNG_GENERATION_FLAG = '--max-semi-space-size=8';

export interface RestartDecisionInput {
  /** The command line after `tessera`. */
  argv: readonly string[];
  env: NodeJS.ProcessEnv;
  /** Node's own flags for this process (`process.execArgv`). */
  execArgv: readonly string[];
  platform: NodeJS.Platform;
  /** glibc's version when the process runs on glibc. */
  glibc: string | undefined;
}

export interface Restart {
  env: NodeJS.ProcessEnv;
  /** Node flags, this process's own first. */
  execArgv: string[];
}

/** V8 reads its flags with dashes or underscores alike. */
const SEMI_SPACE_FLAG = /(^|\s)--max[-_]semi[-_]space[-_]size(=|\s|$)/;

/** How to restart `tessera serve`, or undefined to carry on as is. */
export function serveRestart(input: RestartDecisionInput): Restart | undefined {
  if (input.argv[0] !== 'serve' || input.argv.includes('--help') || input.argv.includes('-h')) return undefined;
  const setArena = input.platform === 'linux' && input.glibc !== undefined && input.env.MALLOC_ARENA_MAX === undefined;
  const operatorSizedYoungGeneration = input.execArgv.some((flag) => SEMI_SPACE_FLAG.test(flag)) || SEMI_SPACE_FLAG.test(input.env.NODE_OPTIONS ?? '');
  if (!setArena && operatorSizedYoungGeneration) return undefined;
  return {
    env: setArena ? { ...input.env, MALLOC_ARENA_MAX: '1' } : input.env,
    execArgv: operatorSizedYoungGeneration ? [...input.execArgv] : [...input.execArgv, YOUNG_GENERATION_FLAG],
  };
}

/** Restarts this process with the settings {@link serveRestart} asks for; otherwise returns. */
export function restartServeWithMemorySettings(argv: readonly string[]): void {
  if (argv[0] !== 'serve' || typeof process.execve !== 'function') return;
  if (process.platform === 'linux') {
    // Only the header is read: skip the report's network and environment parts.
    (process.report as { excludeNetwork?: boolean }).excludeNetwork = true;
  }
  const report = process.platform === 'linux' ? (process.report.getReport() as { header?: { glibcVersionRuntime?: string } }) : undefined;
  const restart = serveRestart({
    argv,
    env: process.env,
    execArgv: process.execArgv,
    platform: process.platform,
    glibc: report?.header?.glibcVersionRuntime,
  });
  if (restart === undefined) return;
  process.execve(process.execPath, [process.execPath, ...restart.execArgv, ...process.argv.slice(1)], restart.env);
}
