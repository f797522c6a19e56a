/** `tessera migrate`: bring the database schema to this build's version. */
import { StoreUnavailableError } from '../../core/ports/errors.ts';
import { displayDatabase, openStore } from '../../store/open-store.ts';
import { configFrom, parse, printJson, runCommand, STORE_OPTIONS } from '../common.ts';
import { EXIT, type CliIo } from '../io.ts';

const USAGE = `usage: tessera migrate [--db PATH|URL] [--config FILE]
Applies the schema migrations this build has and the database lacks, records
each in schema_migrations, and prints what it did. 'tessera serve' does the
same at start-up; run this as a release step to migrate before rolling out.
Safe while other Tessera processes start or serve: on PostgreSQL an advisory
lock lets one process migrate and the others wait; on SQLite the write lock does.
Refuses a database whose schema is newer than this build.
`;

export async function run(args: string[], io: CliIo): Promise<number> {
  return runCommand(io, USAGE, async () => {
    const { values, positionals } = parse(args, STORE_OPTIONS);
    if (values.help) {
      io.out(USAGE);
      return EXIT.ok;
    }
    if (positionals.length > 0) {
      io.err(`tessera migrate: unexpected argument '${positionals[0]}'\n\n${USAGE}`);
      return EXIT.usage;
    }
    const config = configFrom(values, io);
    let store;
    try {
      store = await openStore(config.database, { poolSize: 1 });
    } catch (error) {
      // An outage's message names the database already; anything else (a schema newer than this build) gets it added.
      const where = error instanceof StoreUnavailableError ? '' : `cannot migrate ${displayDatabase(config.database)}: `;
      io.err(`tessera migrate: ${where}${(error as Error).message}\n`);
      return EXIT.failure;
    }
    await store.close();
    const { from, to, applied } = store.migration;
    printJson(io, {
      database: displayDatabase(config.database),
      store: store.kind,
      from,
      to,
      applied: applied.map((m) => ({ version: m.version, name: m.name })),
    });
    return EXIT.ok;
  });
}
