/** `tessera init`: create the database, the default tenant and an admin client; print its credentials once. */
import { cliContext } from '../../admin/audit.ts';
import { initialize } from '../../server/bootstrap.ts';
import { withTessera } from '../../server/management.ts';
import { displayDatabase } from '../../store/open-store.ts';
import type { CommandSpec } from '../command-spec.ts';
import { configFrom, OUTPUT_OPTIONS, outputFormat, parse, runCommand, STORE_OPTION_VALUES, UsageError } from '../common.ts';
import { EXIT, type CliIo } from '../io.ts';
import { printResult } from '../output.ts';

const USAGE = `usage: tessera init [--db PATH|URL] [--config FILE] [--output json|table]
Creates the database (migrated to the current schema), the default tenant and an
admin client, and prints the admin client's secret. The secret is shown only once:
  SECRET=$(tessera init | jq -r .clientSecret)
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
    const result = await withTessera(config, ({ admin }) => initialize(config, admin, cliContext()), { create: true, notice: (message) => io.err(`${message}\n`) });
    if (result.admin === undefined) {
      io.err(`Tessera is already initialised in ${displayDatabase(config.database)}; the admin client exists and its secret is not shown again.\n` +
        `Use 'tessera clients rotate-secret admin' for a new one.\n`);
      return EXIT.ok;
    }
    // The keys are camelCase, as in every other command's output and the admin API's answers.
    printResult(io, {
      database: displayDatabase(config.database),
      tenant: result.tenant.id,
      issuer: result.tenant.issuer,
      clientId: result.admin.client.id,
      clientSecret: result.admin.clientSecret,
      scope: result.admin.client.scopes.join(' '),
    }, format);
    io.err('Store the clientSecret now: Tessera keeps only its hash and cannot show it again.\n');
    return EXIT.ok;
  });
}
