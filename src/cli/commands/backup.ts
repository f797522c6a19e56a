/** `tessera backup FILE`: an online copy of the SQLite database, verified. */
import { copyDefaultKeyFile } from '../../server/key-encryption.ts';
import { isPostgresUrl } from '../../store/postgres/connection-string.ts';
import { backupSqlite } from '../../store/sqlite/backup.ts';
import type { CommandSpec } from '../command-spec.ts';
import { configFrom, OUTPUT_OPTIONS, outputFormat, parse, runCommand, STORE_OPTION_VALUES, UsageError } from '../common.ts';
import { printResult } from '../output.ts';
import { EXIT, type CliIo } from '../io.ts';

const USAGE = `usage: tessera backup FILE [--db PATH] [--config FILE] [--output json|table]
Copies the SQLite database to FILE (a new file) while servers keep serving:
SQLite's backup API reads one consistent snapshot, what the write-ahead log
holds included (a plain cp of a live database misses it). The copy is then
opened and checked (integrity check, schema version) and described (JSON by default).
With the default key-encryption key (<database>.kek), it is copied to FILE.kek: the
copy's signing keys are sealed under it. Store the two apart where you can.
PostgreSQL: use pg_dump or continuous archiving (docs/deployment.md#backup).
`;

export const spec = { options: OUTPUT_OPTIONS, values: STORE_OPTION_VALUES } satisfies CommandSpec;

export async function run(args: string[], io: CliIo): Promise<number> {
  return runCommand(io, USAGE, async () => {
    const { values, positionals } = parse(args, OUTPUT_OPTIONS);
    if (values.help) {
      io.out(USAGE);
      return EXIT.ok;
    }
    if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? 'name one file to write' : `unexpected argument '${positionals[1]}'`);
    const format = outputFormat(values);
    const config = configFrom(values, io);
    if (isPostgresUrl(config.database)) {
      io.err('tessera backup: the database is PostgreSQL; back it up with pg_dump or continuous archiving (docs/deployment.md#backup)\n');
      return EXIT.failure;
    }
    if (config.database === ':memory:') {
      io.err('tessera backup: :memory: has nothing to back up\n');
      return EXIT.failure;
    }
    try {
      const started = Date.now();
      const copy = await backupSqlite(config.database, positionals[0]!);
      // The copy's signing keys are sealed under the database's key-encryption key: the default key file goes with it.
      const keyFile = copyDefaultKeyFile(config, config.database, positionals[0]!, { replace: true });
      printResult(io, { source: config.database, backup: copy.file, bytes: copy.bytes, schemaVersion: copy.schemaVersion, tokens: copy.tokens, integrity: 'ok', ms: Date.now() - started, ...(keyFile === undefined ? {} : { keyEncryptionKeyFile: keyFile }) }, format);
      return EXIT.ok;
    } catch (error) {
      io.err(`tessera backup: ${(error as Error).message}\n`);
      return EXIT.failure;
    }
  });
}
