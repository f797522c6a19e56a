/** `tessera backup FILE`: an online copy of the SQLite database, verified. */
import { isPostgresUrl } from '../../store/postgres/connection-string.ts';
import { backupSqlite } from '../../store/sqlite/backup.ts';
import { configFrom, parse, printJson, runCommand, STORE_OPTIONS } from '../common.ts';
import { EXIT, type CliIo } from '../io.ts';

const USAGE = `usage: tessera backup FILE [--db PATH] [--config FILE]
Copies the SQLite database to FILE (a new file) while servers keep serving:
SQLite's backup API reads one consistent snapshot, what the write-ahead log
holds included (a plain cp of a live database misses it). The copy is then
opened and checked (integrity check, schema version) and described as JSON.
PostgreSQL: use pg_dump or continuous archiving (docs/deployment.md#backup).
`;

export async function run(args: string[], io: CliIo): Promise<number> {
  return runCommand(io, USAGE, async () => {
    const { values, positionals } = parse(args, STORE_OPTIONS);
    if (values.help) {
      io.out(USAGE);
      return EXIT.ok;
    }
    if (positionals.length !== 1) {
      io.err(`tessera backup: name one file to write\n\n${USAGE}`);
      return EXIT.usage;
    }
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
      printJson(io, { source: config.database, backup: copy.file, bytes: copy.bytes, schemaVersion: copy.schemaVersion, tokens: copy.tokens, integrity: 'ok', ms: Date.now() - started });
      return EXIT.ok;
    } catch (error) {
      io.err(`tessera backup: ${(error as Error).message}\n`);
      return EXIT.failure;
    }
  });
}
