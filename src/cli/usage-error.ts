/** Bad command-line usage: printed with the command's usage text, exit code 2. */
import type { CliOptions } from './command-spec.ts';
import { didYouMean } from './did-you-mean.ts';

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/**
 * parseArgs's complaint as a usage error: the option named (never the value
 * given, which may be a secret typed in the wrong place) and, for an unknown
 * one, the closest known option.
 */
export function usageErrorFrom(error: unknown, options: CliOptions): UsageError {
  const code = (error as { code?: string }).code;
  const message = String((error as Error).message);
  const option = /'(-{1,2}[^'=\s<]+)/.exec(message)?.[1] ?? 'an option';
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const known = Object.entries(options).flatMap(([name, o]) => [`--${name}`, ...(o.short === undefined ? [] : [`-${o.short}`])]);
    return new UsageError(`unknown option ${option}${didYouMean(option, known, (w) => w)}`);
  }
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    return new UsageError(message.includes('does not take an argument') ? `${option} takes no value` : `${option} needs a value`);
  }
  if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') return new UsageError('unexpected argument (this command takes only options)');
  return new UsageError('could not parse the arguments');
}

