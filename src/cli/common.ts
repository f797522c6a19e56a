/**
 * What the management commands share: the `--config`/`--db`/`--output`
 * options, parsing with "did you mean" answers, opening the configured store,
 * and turning known errors into a message and exit code.
 */
import { parseArgs } from 'node:util';
import { AdminError } from '../admin/admin-error.ts';
import { ConfigError, SETTINGS, type TesseraConfig } from '../config/config.ts';
import { loadConfig } from '../config/load-config.ts';
import { StoreUnavailableError } from '../core/ports/errors.ts';
import { DatabaseOpenError } from '../store/database-open-error.ts';
import { KeyEncryptionError } from '../core/ports/key-encryption.ts';
import { KeyEncryptionConfigError } from '../server/key-encryption.ts';
import type { CliOptions, OptionValues } from './command-spec.ts';
import { didYouMean } from './did-you-mean.ts';
import { RateLimitUnavailableError } from '../core/rate-limit/limiter.ts';
import { EXIT, type CliIo } from './io.ts';
import { OUTPUT_FORMATS, printResult, type OutputFormat } from './output.ts';
import { usageErrorFrom, UsageError } from './usage-error.ts';

/** `--db` takes a SQLite file path or a postgres:// URL (TESSERA_DB, or `database` in the config file). */
export const STORE_OPTIONS = {
  config: { type: 'string' },
  db: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies CliOptions;

/** Commands that print a result take `--output json|table` too. */
export const OUTPUT_OPTIONS = {
  ...STORE_OPTIONS,
  output: { type: 'string', short: 'o' },
} as const satisfies CliOptions;

/** The values of the shared options, for completion. */
export const STORE_OPTION_VALUES: Readonly<Record<string, OptionValues>> = { config: 'file', db: 'file', output: OUTPUT_FORMATS };

export { UsageError } from './usage-error.ts';

export function parse<T extends CliOptions>(args: string[], options: T) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw usageErrorFrom(error, options);
  }
}

/** The `--output` format asked for: JSON unless `table`. */
export function outputFormat(values: { output?: string | undefined }): OutputFormat {
  const given = values.output ?? 'json';
  if (!(OUTPUT_FORMATS as readonly string[]).includes(given)) {
    throw new UsageError(`--output must be ${OUTPUT_FORMATS.join(' or ')}${didYouMean(given, OUTPUT_FORMATS)}`);
  }
  return given as OutputFormat;
}

/** The configuration: file, environment, then flags; a bad `--db` is a usage mistake named by its flag. */
export function configFrom(values: { config?: string | undefined; db?: string | undefined }, io: CliIo, flags: Partial<Record<keyof TesseraConfig, unknown>> = {}): TesseraConfig {
  if (values.db !== undefined) {
    try {
      SETTINGS.database.parse(values.db, 'database');
    } catch (error) {
      if (error instanceof ConfigError) throw new UsageError(`--db ${error.message.replace('configuration: database ', '')}`);
      throw error;
    }
  }
  return loadConfig({ file: values.config, env: io.env, flags: { database: values.db, ...flags } });
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
    // An unreachable or unopenable database is the operator's to fix, not a bug: say so, without a stack.
    if (error instanceof AdminError || error instanceof ConfigError || error instanceof StoreUnavailableError || error instanceof DatabaseOpenError
      || error instanceof KeyEncryptionError || error instanceof KeyEncryptionConfigError) {
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
export interface ActionCommand<T extends CliOptions> {
  values: ReturnType<typeof parse<T>>['values'];
  action: string;
  /** The positional after the action (an id or name), if any. */
  target: string | undefined;
  config: TesseraConfig;
  /** Prints a result in the `--output` format asked for. */
  print(value: unknown): void;
  /** The positionals after the action and its target (`rate-limits show RULE SUBJECT`). */
  positionals: string[];
}

/**
 * The prologue every management command shares: parse the flags, answer
 * `--help` (exit 0), a missing or unknown action (usage, exit 2), load the
 * configuration, then run `body`, mapping expected errors to messages.
 */
export function runActionCommand<T extends CliOptions & typeof OUTPUT_OPTIONS>(
  args: string[],
  io: CliIo,
  usage: string,
  spec: { actions: readonly string[]; options: T },
  body: (command: ActionCommand<T>) => Promise<number>,
): Promise<number> {
  return runCommand(io, usage, async () => {
    const { values, positionals } = parse(args, spec.options);
    const [action, target, ...rest] = positionals;
    const help = (values as { help?: boolean }).help === true;
    if (help || action === undefined) {
      io.out(usage);
      return help ? EXIT.ok : EXIT.usage;
    }
    if (!spec.actions.includes(action)) throw new UsageError(`unknown action '${action}'${didYouMean(action, spec.actions)}`);
    const format = outputFormat(values as { output?: string });
    const config = configFrom(values as { config?: string; db?: string }, io);
    return body({ values, action, target, config, print: (value) => printResult(io, value, format), positionals: [target, ...rest].filter((p) => p !== undefined) });
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
