/** `tessera migrate`: bring the database schema to this build's version. */
import { StoreUnavailableError } from '../../core/ports/errors.ts';
import { DatabaseOpenError } from '../../store/database-open-error.ts';
import { displayDatabase, openStore } from '../../store/open-store.ts';
import type { CommandSpec } from '../command-spec.ts';
import { configFrom, OUTPUT_OPTIONS, outputFormat, parse, runCommand, STORE_OPTION_VALUES, UsageError } from '../common.ts';
import { printResult } from '../output.ts';
import { EXIT, type CliIo } from '../io.ts';

const USAGE = `usage: tessera migrate [--db PATH|URL] [--config FILE] [--output json|table]
Applies the schema migrations this build has and the database lacks, records
each in schema_migrations, and prints what it did. 'tessera serve' does the
same at start-up; run this as a release step to migrate before rolling out.
Safe while other Tessera processes start or serve: on PostgreSQL an advisory
lock lets one process migrate and the others wait; on SQLite the write lock does.
Refuses a database whose schema is newer than this build.
`;

export const spec = { options: OUTPUT_OPTIONS, values: STORE_OPTION_VALUES } satisfies CommandSpec;

export async function run(args: string[], io: CliIo): Promise<number> {
  return runCommand(io, USAGE, async () => {
    const { values, positionals } = parse(args, OUTPUT_OPTIONS);
    if (values.help) {
      io.out(USAGE);
      return EXIT.ok;
    }
    if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`);
    const format = outputFormat(values);
    const config = configFrom(values, io);
    let store;
    try {
      store = await openStore(config.database, { poolSize: 1 });
    } catch (error) {
      // An outage's or an opening failure's message names the database already; anything else (a schema newer than this build) gets it added.
      const where = error instanceof StoreUnavailableError || error instanceof DatabaseOpenError ? '' : `cannot migrate ${displayDatabase(config.database)}: `;
      io.err(`tessera migrate: ${where}${(error as Error).message}\n`);
      return EXIT.failure;
    }
    await store.close();
    const { from, to, applied } = store.migration;
    printResult(io, {
      database: displayDatabase(config.database),
      store: store.kind,
      from,
      to,
      applied: applied.map((m) => ({ version: m.version, name: m.name })),
    }, format);
    return EXIT.ok;
  });
}
