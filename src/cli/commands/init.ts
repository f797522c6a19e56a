/** `tessera init`: create the database, the default tenant and an admin client; print its credentials once. */
import { cliContext } from '../../admin/audit.ts';
import { initialize } from '../../server/bootstrap.ts';
import { withTessera } from '../../server/management.ts';
import { configFrom, parse, printJson, runCommand, STORE_OPTIONS } from '../common.ts';
import { EXIT, type CliIo } from '../io.ts';

const USAGE = `usage: tessera init [--db PATH] [--config FILE]
Creates the database (migrated to the current schema), the default tenant and an
admin client, and prints the admin client's secret. The secret is shown only once.
`;

export async function run(args: string[], io: CliIo): Promise<number> {
  return runCommand(io, USAGE, async () => {
    const { values } = parse(args, STORE_OPTIONS);
    if (values.help) {
      io.out(USAGE);
      return EXIT.ok;
    }
    const config = configFrom(values, io);
    const result = await withTessera(config, ({ admin }) => initialize(config, admin, cliContext()));
    if (result.admin === undefined) {
      io.err(`Tessera is already initialised in ${config.database}; the admin client exists and its secret is not shown again.\n` +
        `Use 'tessera clients rotate-secret admin' for a new one.\n`);
      return EXIT.ok;
    }
    printJson(io, {
      database: config.database,
      tenant: result.tenant.id,
      issuer: result.tenant.issuer,
      client_id: result.admin.client.id,
      client_secret: result.admin.clientSecret,
      scope: result.admin.client.scopes.join(' '),
    });
    io.err('Store the client_secret now: Tessera keeps only its hash and cannot show it again.\n');
    return EXIT.ok;
  });
}
