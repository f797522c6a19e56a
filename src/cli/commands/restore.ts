/** `tessera restore FILE`: replaces the SQLite database with a verified backup. */
import { existsSync } from 'node:fs';
import { isPostgresUrl } from '../../store/postgres/connection-string.ts';
import { copyDefaultKeyFile } from '../../server/key-encryption.ts';
import { restoreSqlite, verifySqliteCopy } from '../../store/sqlite/backup.ts';
import type { CommandSpec } from '../command-spec.ts';
import { configFrom, OUTPUT_OPTIONS, outputFormat, parse, runCommand, STORE_OPTION_VALUES, UsageError } from '../common.ts';
import { printResult } from '../output.ts';
import { EXIT, type CliIo } from '../io.ts';

const USAGE = `usage: tessera restore FILE [--db PATH] [--config FILE] [--output json|table] [--force]
Checks the backup FILE (it opens, passes SQLite's integrity check, and has a
schema this build knows), then copies it over the database --db names.
Stop every server using that database first. An existing database is only
replaced with --force. The next 'tessera serve' or 'tessera migrate' brings an
older backup's schema up to date. FILE.kek, the key-encryption key 'tessera backup'
copied beside it, becomes the database's <database>.kek.
PostgreSQL: use pg_restore or point-in-time recovery (docs/deployment.md#backup).
`;

const OPTIONS = { ...OUTPUT_OPTIONS, force: { type: 'boolean' } } as const;

export const spec = { options: OPTIONS, values: { ...STORE_OPTION_VALUES } } satisfies CommandSpec;

export async function run(args: string[], io: CliIo): Promise<number> {
  return runCommand(io, USAGE, async () => {
    const { values, positionals } = parse(args, OPTIONS);
    if (values.help) {
      io.out(USAGE);
      return EXIT.ok;
    }
    if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? 'name the backup file' : `unexpected argument '${positionals[1]}'`);
    const format = outputFormat(values);
    const config = configFrom(values, io);
    if (isPostgresUrl(config.database) || config.database === ':memory:') {
      io.err('tessera restore: restores a SQLite file; for PostgreSQL use pg_restore or point-in-time recovery (docs/deployment.md#backup)\n');
      return EXIT.failure;
    }
    const file = positionals[0]!;
    try {
      verifySqliteCopy(file);
      if (existsSync(config.database) && values.force !== true) {
        io.err(`tessera restore: ${config.database} exists; stop its servers and add --force to replace it\n`);
        return EXIT.failure;
      }
      const restored = await restoreSqlite(file, config.database);
      const keyFile = copyDefaultKeyFile(config, file, config.database, { replace: true });
      printResult(io, { backup: file, database: config.database, schemaVersion: restored.schemaVersion, tokens: restored.tokens, integrity: 'ok', ...(keyFile === undefined ? {} : { keyEncryptionKeyFile: keyFile }) }, format);
      return EXIT.ok;
    } catch (error) {
      io.err(`tessera restore: ${(error as Error).message}\n`);
      return EXIT.failure;
    }
  });
}
