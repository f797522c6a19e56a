/** `tessera migrate`: bring the database schema to this build's version. */
import { StoreUnavailableError } from '../../core/ports/errors.ts';
import { DatabaseOpenError } from '../../store/database-open-error.ts';
import { readMigrationStatus } from '../../store/migration-status.ts';
import { displayDatabase, openStore } from '../../store/open-store.ts';
import type { CommandSpec } from '../command-spec.ts';
import { configFrom, OUTPUT_OPTIONS, outputFormat, parse, runCommand, STORE_OPTION_VALUES, UsageError } from '../common.ts';
import { printResult } from '../output.ts';
import { EXIT, type CliIo } from '../io.ts';

const USAGE = `usage: tessera migrate [status] [--db PATH|URL] [--config FILE] [--output json|table]
Applies the schema migrations this build has and the database lacks, records
each in schema_migrations, writes a line for each to standard error as it is
applied, and prints what it did as JSON.
'tessera migrate status' changes nothing: it lists the applied migrations
(with when) and the pending ones, and exits 0 when none is pending, 3 when
some are, 1 when the database is newer than this build. 'tessera serve' does the
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
    const [action, extra] = positionals;
    if (action !== undefined && action !== 'status') throw new UsageError(`unexpected argument '${action}'`);
    if (extra !== undefined) throw new UsageError(`unexpected argument '${extra}'`);
    const format = outputFormat(values);
    const config = configFrom(values, io);
    if (action === 'status') return printStatus(config.database, io, format);
    let store;
    try {
      store = await openStore(config.database, {
        poolSize: 1,
        onMigration: (m) => io.err(`applied migration ${m.version}: ${m.name}\n`),
      });
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

/** Exit code of `migrate status` when migrations are pending: scripts can tell it from success and failure. */
export const PENDING_EXIT = 3;

async function printStatus(database: string, io: CliIo, format: ReturnType<typeof outputFormat>): Promise<number> {
  let status;
  try {
    status = await readMigrationStatus(database);
  } catch (error) {
    const where = error instanceof StoreUnavailableError ? '' : `cannot read the migrations of ${displayDatabase(database)}: `;
    io.err(`tessera migrate status: ${where}${(error as Error).message}\n`);
    return EXIT.failure;
  }
  printResult(io, {
    database: displayDatabase(database),
    version: status.applied.at(-1)?.version ?? 0,
    latest: status.latest,
    applied: status.applied.map((m) => ({ version: m.version, name: m.name, appliedAt: new Date(m.appliedAt).toISOString() })),
    pending: status.pending,
  }, format);
  if (status.unknown.length > 0) {
    io.err(`tessera migrate status: the database has migrations this build does not know (${status.unknown.join(', ')}); upgrade Tessera\n`);
    return EXIT.failure;
  }
  return status.pending.length === 0 ? EXIT.ok : PENDING_EXIT;
}
