/**
 * `tessera serve` on Linux with glibc restarts itself once, in place
 * (`process.execve`: same pid, same stdio), with `MALLOC_ARENA_MAX=1`.
 *
 * Why: each argon2id hash allocates 19 MiB in whichever libuv thread runs it.
 * glibc gives every thread its own malloc arena and, after the first such
 * block is freed, raises its mmap threshold above 19 MiB, so later blocks come
 * from the arenas and stay there when freed (an arena's free top is kept up
 * to twice that threshold). With libuv's four threads that kept 110 MB
 * resident under a login load however low `argon2Concurrency` was; one arena
 * keeps about `argon2Concurrency` + 1 blocks (RSS under the password benchmark
 * 230 → 173 MB), with no more page faults and no measurable CPU cost: argon2
 * calls malloc once per hash, so the shared arena's lock is not contended.
 *
 * glibc reads the variable once, before any JavaScript runs, so it cannot be
 * set from inside the process; hence the re-exec. Opt out by setting
 * `MALLOC_ARENA_MAX` yourself (any value; glibc's default is 8 × cores):
 * Tessera never overrides it.
 */

export interface ArenaDecisionInput {
  /** The command line after `tessera`. */
  argv: readonly string[];
  env: NodeJS.ProcessEnv;
  platform: NodeJS.Platform;
  /** glibc's version when the process runs on glibc. */
  glibc: string | undefined;
}

/** The environment to restart `tessera serve` with, or undefined to carry on as is. */
export function mallocArenaEnv(input: ArenaDecisionInput): NodeJS.ProcessEnv | undefined {
  if (input.argv[0] !== 'serve' || input.argv.includes('--help') || input.argv.includes('-h')) return undefined;
  if (input.platform !== 'linux' || input.glibc === undefined) return undefined;
  if (input.env.MALLOC_ARENA_MAX !== undefined) return undefined;
  return { ...input.env, MALLOC_ARENA_MAX: '1' };
}

/** Restarts this process with `MALLOC_ARENA_MAX=1` when {@link mallocArenaEnv} says so; otherwise returns. */
export function restartWithOneMallocArena(argv: readonly string[]): void {
  if (argv[0] !== 'serve' || typeof process.execve !== 'function') return;
  if (process.platform === 'linux') {
    // Only the header is read: skip the report's network and environment parts.
    (process.report as { excludeNetwork?: boolean }).excludeNetwork = true;
  }
  const report = process.platform === 'linux' ? (process.report.getReport() as { header?: { glibcVersionRuntime?: string } }) : undefined;
  const env = mallocArenaEnv({ argv, env: process.env, platform: process.platform, glibc: report?.header?.glibcVersionRuntime });
  if (env === undefined) return;
  process.execve(process.execPath, [process.execPath, ...process.execArgv, ...process.argv.slice(1)], env);
}
