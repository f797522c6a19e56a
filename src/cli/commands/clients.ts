/** `tessera clients create|list|show|update|delete|rotate-secret`. */
import { cliContext } from '../../admin/audit.ts';
import { CLIENT_SETTINGS } from '../../admin/settings/client-settings.ts';
import { withTessera } from '../../server/management.ts';
import { integerFlag, printJson, runActionCommand, STORE_OPTIONS, UsageError } from '../common.ts';
import { EXIT, type CliIo } from '../io.ts';
import { settingOptions, settingsFromFlags, settingUsage } from '../setting-flags.ts';

const USAGE = `usage:
  tessera clients create <id> [--tenant ID] [--public] [--secret-stdin | --secret-env NAME]
                              ${settingUsage(CLIENT_SETTINGS, [], 30)}
  tessera clients update <id> [--tenant ID]
                              ${settingUsage(CLIENT_SETTINGS, [], 30)}
  tessera clients list [--tenant ID]
  tessera clients show <id> [--tenant ID]
  tessera clients delete <id> [--tenant ID]
  tessera clients rotate-secret <id> [--tenant ID] [--overlap SECONDS] [--secret-stdin | --secret-env NAME]
Without --secret-*, a 256-bit secret is generated and printed once.
--attributes takes JSON ('{"orgUnit":"0000000001"}'), --claims claim mappers as JSON
('[{"claim":"cdOrgUnit","clientAttribute":"orgUnit"}]'): claims the client's JWTs carry.
A chosen secret (seed 000's username:password) is read from stdin or an environment
variable, never from the command line, and stored with argon2id.
--public makes a client without a secret, identified by client_id alone (an app on a
user's device; password and refresh_token grants only). --single-active-token makes a
user's login revoke that user's earlier tokens for the client (seed 003).
--no-lifetime and --no-audience go back to the tenant's lifetime and issuer.
common options: --db PATH, --config FILE
`;

const OPTIONS = {
  ...STORE_OPTIONS,
  ...settingOptions(CLIENT_SETTINGS),
  tenant: { type: 'string' },
  overlap: { type: 'string' },
  'secret-stdin': { type: 'boolean' },
  'secret-env': { type: 'string' },
  public: { type: 'boolean' },
} as const;

export async function run(args: string[], io: CliIo): Promise<number> {
  return runActionCommand(args, io, USAGE, OPTIONS, async ({ values, action, target: id, config }) => {
    const tenantId = (values.tenant as string | undefined) ?? config.defaultTenant;
    const needId = () => {
      if (id === undefined) throw new UsageError(`clients ${action} needs a client id`);
      return id;
    };
    const secret = await chosenSecret(values as SecretFlags, io);
    const settings = settingsFromFlags(CLIENT_SETTINGS, values);
    return withTessera(config, async ({ admin }) => {
      const clients = admin.clients;
      switch (action) {
        case 'create':
          printJson(io, await clients.create({ ...settings, tenantId, id: needId(), secret, clientType: values.public ? 'public' : undefined }, cliContext()));
          return EXIT.ok;
        case 'update':
          if (Object.keys(settings).length === 0) throw new UsageError('clients update needs at least one setting to change');
          printJson(io, await clients.update(tenantId, needId(), settings, cliContext()));
          return EXIT.ok;
        case 'list':
          printJson(io, await clients.list(tenantId));
          return EXIT.ok;
        case 'show':
          printJson(io, await clients.get(tenantId, needId()));
          return EXIT.ok;
        case 'delete':
          await clients.delete(tenantId, needId(), cliContext());
          printJson(io, { deleted: id, tenant: tenantId });
          return EXIT.ok;
        case 'rotate-secret':
          printJson(io, await clients.rotateSecret(tenantId, needId(), { secret, overlapSeconds: integerFlag(values.overlap as string | undefined, 'overlap') }, cliContext()));
          return EXIT.ok;
        default:
          throw new UsageError(`unknown action '${action}'`);
      }
    });
  });
}

interface SecretFlags {
  'secret-stdin'?: boolean | undefined;
  'secret-env'?: string | undefined;
}

async function chosenSecret(values: SecretFlags, io: CliIo): Promise<string | undefined> {
  if (values['secret-stdin'] && values['secret-env'] !== undefined) throw new UsageError('use one of --secret-stdin and --secret-env');
  if (values['secret-stdin']) return (await io.readStdin()).replace(/\r?\n$/, '');
  if (values['secret-env'] !== undefined) {
    const value = io.env[values['secret-env']];
    if (value === undefined || value === '') throw new UsageError(`environment variable ${values['secret-env']} is not set`);
    return value;
  }
  return undefined;
}
