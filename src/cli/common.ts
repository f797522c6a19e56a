/**
 * What the management commands share: the `--config`/`--db` options, opening
 * the configured store, and turning known errors into a message and exit code.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { AdminError } from '../admin/admin-error.ts';
import { ConfigError, type TesseraConfig } from '../config/config.ts';
import { loadConfig } from '../config/load-config.ts';
import { StoreUnavailableError } from '../core/ports/errors.ts';
import { RateLimitUnavailableError } from '../core/rate-limit/limiter.ts';
import { EXIT, type CliIo } from './io.ts';

/** `--db` takes a SQLite file path or a postgres:// URL (TESSERA_DB, or `database` in the config file). */
export const STORE_OPTIONS = {
  config: { type: 'string' },
  db: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies ParseArgsConfig['options'];

/** Thrown for bad command-line usage; printed with the command's usage text. */
export class UsageError extends Error {}

export function parse<T extends NonNullable<ParseArgsConfig['options']>>(args: string[], options: T) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

export function configFrom(values: { config?: string | undefined; db?: string | undefined }, io: CliIo, flags: Partial<Record<keyof TesseraConfig, unknown>> = {}): TesseraConfig {
  return loadConfig({ file: values.config, env: io.env, flags: { database: values.db, ...flags } });
}

export function printJson(io: CliIo, value: unknown): void {
  io.out(`${JSON.stringify(value, null, 2)}\n`);
}

/** Maps the errors a command can expect to a message and exit code; anything else is rethrown as a bug. */
export async function runCommand(io: CliIo, usage: string, body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`${error.message}\n\n${usage}`);
      return EXIT.usage;
    }
    // An unreachable database is the operator's to fix, not a bug: say so, without a stack.
    if (error instanceof AdminError || error instanceof ConfigError || error instanceof StoreUnavailableError) {
      io.err(`error: ${error.message}\n`);
      return EXIT.failure;
    }
    if (error instanceof RateLimitUnavailableError) {
      io.err(`error: ${error.detail ?? error.description}\n`);
      return EXIT.failure;
    }
    throw error;
  }
}

/** What an action command (`tessera <noun> <action> [target]`) receives once its arguments are read. */
export interface ActionCommand<T extends NonNullable<ParseArgsConfig['options']>> {
  values: ReturnType<typeof parse<T>>['values'];
  action: string;
  /** The positional after the action (an id or name), if any. */
  target: string | undefined;
  config: TesseraConfig;
}

/**
 * The prologue every management command shares: parse the flags, answer
 * `--help` (exit 0) or a missing action (usage, exit 2), load the
 * configuration, then run `body`, mapping expected errors to messages.
 */
export function runActionCommand<T extends NonNullable<ParseArgsConfig['options']> & typeof STORE_OPTIONS>(
  args: string[],
  io: CliIo,
  usage: string,
  options: T,
  body: (command: ActionCommand<T>) => Promise<number>,
): Promise<number> {
  return runCommand(io, usage, async () => {
    const { values, positionals } = parse(args, options);
    const [action, target] = positionals;
    const help = (values as { help?: boolean }).help === true;
    if (help || action === undefined) {
      io.out(usage);
      return help ? EXIT.ok : EXIT.usage;
    }
    const config = configFrom(values as { config?: string; db?: string }, io);
    return body({ values, action, target, config });
  });
}

/** Splits a comma-separated flag value into items (`--scopes a,b`). */
export function list(value: string | undefined): string[] | undefined {
  return value === undefined ? undefined : value.split(',').map((s) => s.trim()).filter((s) => s !== '');
}

/** Parses a whole number flag or fails with a usage error naming it. */
export function integerFlag(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new UsageError(`--${name} must be a whole number`);
  return Number(value);
}
