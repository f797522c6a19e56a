/** A {@link CliIo} for running commands in-process and reading what they printed. */
import type { CliIo } from '../../src/cli/io.ts';

export interface CapturedIo extends CliIo {
  stdout(): string;
  stderr(): string;
  /** Resolves the command's stop signal, as SIGTERM would. */
  stop(signal?: string): void;
}

export function captureIo(env: Record<string, string | undefined> = {}, stdin = ''): CapturedIo {
  let out = '';
  let err = '';
  const stop = Promise.withResolvers<string>();
  return {
    out: (text) => void (out += text),
    err: (text) => void (err += text),
    readStdin: async () => stdin,
    env,
    stopSignal: stop.promise,
    stdout: () => out,
    stderr: () => err,
    stop: (signal = 'SIGTERM') => stop.resolve(signal),
  };
}
