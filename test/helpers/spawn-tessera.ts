/**
 * Runs the real CLI (`node src/cli/main.ts …`) as a child process, the way an
 * operator would, and reads its JSON log lines as they arrive.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const MAIN = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));

/** The key-encryption key the tests' processes on PostgreSQL share (32 bytes, base64). */
export const TEST_KEY_ENCRYPTION_KEY = Buffer.alloc(32, 7).toString('base64');

/** Generous: start-up on a loaded two-core machine can take seconds. */
export const START_TIMEOUT_MS = 30_000;

export type LogLine = Record<string, unknown> & { msg?: string; pid?: number };

export interface TesseraProcess {
  child: ChildProcess;
  /** Every stdout line that parsed as JSON, in order. */
  lines: LogLine[];
  stdout(): string;
  stderr(): string;
  /** Resolves with the first line (already seen or yet to come) that matches. */
  waitForLine(match: (line: LogLine) => boolean, timeoutMs?: number): Promise<LogLine>;
  /** Resolves when the process has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Sends `signal` (SIGTERM by default) and waits for the exit. */
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * Processes on one PostgreSQL share a key-encryption key (it has no default
 * there): the tests' servers and CLI runs whose arguments name a PostgreSQL
 * URL get this one.
 */
export function keyEncryptionFor(args: readonly string[]): Record<string, string> {
  return args.some((a) => /^postgres(ql)?:\/\//.test(a)) ? { TESSERA_KEY_ENCRYPTION_KEY: TEST_KEY_ENCRYPTION_KEY } : {};
}

/** `stdin`, when given, is written to the child's standard input, which is then closed (a password piped in). */
export function spawnTessera(args: string[], env: Record<string, string> = {}, options: { stdin?: string } = {}): TesseraProcess {
  // The child must not think it runs under the test runner, nor pick up a developer's TESSERA_* settings.
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== 'NODE_TEST_CONTEXT' && !k.startsWith('TESSERA_')));
  const stdin = options.stdin === undefined ? 'ignore' : 'pipe';
  const child = spawn(process.execPath, [MAIN, ...args], { env: { ...base, ...keyEncryptionFor(args), ...env }, stdio: [stdin, 'pipe', 'pipe'] });
  if (options.stdin !== undefined) child.stdin!.end(options.stdin);
  const lines: LogLine[] = [];
  const waiters = new Set<(line: LogLine) => void>();
  let out = '';
  let err = '';
  let pending = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    out += chunk;
    pending += chunk;
    const parts = pending.split('\n');
    pending = parts.pop()!;
    for (const part of parts) {
      let line: LogLine;
      try {
        line = JSON.parse(part) as LogLine;
      } catch {
        continue;
      }
      lines.push(line);
      for (const waiter of waiters) waiter(line);
    }
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );

  const waitForLine = (match: (line: LogLine) => boolean, timeoutMs = START_TIMEOUT_MS) =>
    new Promise<LogLine>((resolve, reject) => {
      const seen = lines.find(match);
      if (seen !== undefined) return resolve(seen);
      if (child.exitCode !== null || child.signalCode !== null) {
        return reject(new Error(`process already exited; stdout:\n${out}\nstderr:\n${err}`));
      }
      const timer = setTimeout(() => done(new Error(`no matching log line within ${timeoutMs} ms; stdout:\n${out}\nstderr:\n${err}`)), timeoutMs);
      const waiter = (line: LogLine) => {
        if (match(line)) done(undefined, line);
      };
      const onExit = () => done(new Error(`process exited before the log line; stdout:\n${out}\nstderr:\n${err}`));
      const done = (error: Error | undefined, line?: LogLine) => {
        clearTimeout(timer);
        waiters.delete(waiter);
        child.off('exit', onExit);
        if (error) reject(error);
        else resolve(line!);
      };
      waiters.add(waiter);
      child.once('exit', onExit);
    });

  return {
    child,
    lines,
    stdout: () => out,
    stderr: () => err,
    waitForLine,
    exited,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** Starts `tessera serve` on a free port and resolves once it logs its 'listening' URL. */
export async function startServe(args: string[], env: Record<string, string> = {}): Promise<TesseraProcess & { url: string }> {
  const proc = spawnTessera(['serve', '--port', '0', ...args], env);
  try {
    const line = await proc.waitForLine((l) => l.msg === 'listening');
    return Object.assign(proc, { url: String(line.url) });
  } catch (error) {
    await proc.stop('SIGKILL');
    throw error;
  }
}

/** True while a process with this pid exists. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
