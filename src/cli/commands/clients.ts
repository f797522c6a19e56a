/** `tessera clients create|list|show|update|delete|rotate-secret`. */
import { cliContext } from '../../admin/audit.ts';
import { CLIENT_SETTINGS } from '../../admin/settings/client-settings.ts';
import { withTessera } from '../../server/management.ts';
import { integerFlag, OUTPUT_OPTIONS, runActionCommand, STORE_OPTION_VALUES, UsageError } from '../common.ts';
import type { CommandSpec } from '../command-spec.ts';
import { EXIT, type CliIo } from '../io.ts';
import { settingOptions, settingsFromFlags, settingUsage, settingValues } from '../setting-flags.ts';

const USAGE = `usage:
  tessera clients create <id> [--tenant ID] [--public] [--secret-stdin | --secret-env NAME]
                              ${settingUsage(CLIENT_SETTINGS, [], 30)}
  tessera clients update <id> [--tenant ID]
                              ${settingUsage(CLIENT_SETTINGS, [], 30)}
  tessera clients list [--tenant ID]
  tessera clients show <id> [--tenant ID]
  tessera clients delete <id> [--tenant ID]
  tessera clients rotate-secret <id> [--tenant ID] [--overlap SECONDS] [--secret-stdin | --secret-env NAME]
  tessera clients lock-state <id> [--tenant ID]
  tessera clients unlock <id> [--tenant ID]
Without --secret-*, a 256-bit secret is generated and printed once.
--attributes takes JSON ('{"orgUnit":"0000000001"}'), --claims claim mappers as JSON
('[{"claim":"cdOrgUnit","clientAttribute":"orgUnit"}]'): claims the client's JWTs carry.
A chosen secret (seed 000's username:password) is read from stdin or an environment
variable, never from the command line, and stored with argon2id.
--public makes a client without a secret, identified by client_id alone (an app on a
user's device; password and refresh_token grants only). --single-active-token makes a
user's login revoke that user's earlier tokens for the client (seed 003).
--no-lifetime and --no-audience go back to the tenant's lifetime and issuer.
A client with a chosen secret is locked after repeated failed secrets (the tenant's
secretLockout); 'lock-state' shows it, 'unlock' lifts it and resets the count.
--rate-limit RULE=LIMIT/WINDOW (e.g. token=1000/10s), RULE=off, or RULE=default (drop
this override); repeatable. Rules: token, introspection, revocation. See docs/rate-limits.md.
common options: --db PATH, --config FILE, --output json|table
`;

const OPTIONS = {
  ...OUTPUT_OPTIONS,
  ...settingOptions(CLIENT_SETTINGS),
  tenant: { type: 'string' },
  overlap: { type: 'string' },
  'secret-stdin': { type: 'boolean' },
  'secret-env': { type: 'string' },
  public: { type: 'boolean' },
} as const;

export const spec = {
  actions: ['create', 'update', 'list', 'show', 'delete', 'rotate-secret', 'lock-state', 'unlock'],
  options: OPTIONS,
  values: { ...STORE_OPTION_VALUES, ...settingValues(CLIENT_SETTINGS) },
} satisfies CommandSpec;

export async function run(args: string[], io: CliIo): Promise<number> {
  return runActionCommand(args, io, USAGE, spec, async ({ values, action, target: id, config, print }) => {
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
          print(await clients.create({ ...settings, tenantId, id: needId(), secret, clientType: values.public ? 'public' : undefined }, cliContext()));
          return EXIT.ok;
        case 'update':
          if (Object.keys(settings).length === 0) throw new UsageError('clients update needs at least one setting to change');
          print(await clients.update(tenantId, needId(), settings, cliContext()));
          return EXIT.ok;
        case 'list':
          print(await clients.list(tenantId));
          return EXIT.ok;
        case 'show':
          print(await clients.get(tenantId, needId()));
          return EXIT.ok;
        case 'delete':
          await clients.delete(tenantId, needId(), cliContext());
          print({ deleted: id, tenant: tenantId });
          return EXIT.ok;
        case 'lock-state':
          print(await clients.lockState(tenantId, needId()));
          return EXIT.ok;
        case 'unlock':
          print(await clients.unlock(tenantId, needId(), cliContext()));
          return EXIT.ok;
        case 'rotate-secret':
          print(await clients.rotateSecret(tenantId, needId(), { secret, overlapSeconds: integerFlag(values.overlap as string | undefined, 'overlap') }, cliContext()));
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
