/** `tessera clients create|list|show|delete|rotate-secret`. */
import { cliContext } from '../../admin/audit.ts';
import type { GrantType, TokenFormat } from '../../core/model.ts';
import { integerFlag, list, printJson, runActionCommand, STORE_OPTIONS, UsageError } from '../common.ts';
import { withTessera } from '../../server/management.ts';
import { RATE_LIMIT_OPTIONS, RATE_LIMIT_USAGE, rateLimitFlags } from '../rate-limit-flags.ts';
import { EXIT, type CliIo } from '../io.ts';

const USAGE = `usage:
  tessera clients create <id> [--tenant ID] [--name NAME] [--grants g1,g2] [--scopes s1,s2]
                              [--accounts 20000,20001] [--format opaque|jwt] [--lifetime SECONDS]
                              [--audience AUD] [--secret-stdin | --secret-env NAME]
                              [--public] [--single-active-token] [--rate-limit RULE=LIMIT/WINDOW ...]
  tessera clients update <id> [--tenant ID] [--rate-limit RULE=LIMIT/WINDOW ...]
  tessera clients list [--tenant ID]
  tessera clients show <id> [--tenant ID]
  tessera clients delete <id> [--tenant ID]
  tessera clients rotate-secret <id> [--tenant ID] [--overlap SECONDS] [--secret-stdin | --secret-env NAME]
  tessera clients lock-state <id> [--tenant ID]
  tessera clients unlock <id> [--tenant ID]
Without --secret-*, a 256-bit secret is generated and printed once.
A chosen secret (seed 000's username:password) is read from stdin or an environment
variable, never from the command line, and stored with argon2id.
--public makes a client without a secret, identified by client_id alone (an app on a
user's device; password and refresh_token grants only). --single-active-token makes a
user's login revoke that user's earlier tokens for the client (seed 003).
A client with a chosen secret is locked after repeated failed secrets (the tenant's
secretLockout); 'lock-state' shows it, 'unlock' lifts it and resets the count.
Rate limits: ${RATE_LIMIT_USAGE}
common options: --db PATH, --config FILE
`;

const OPTIONS = {
  ...STORE_OPTIONS,
  tenant: { type: 'string' },
  name: { type: 'string' },
  grants: { type: 'string' },
  scopes: { type: 'string' },
  accounts: { type: 'string' },
  format: { type: 'string' },
  lifetime: { type: 'string' },
  audience: { type: 'string' },
  overlap: { type: 'string' },
  'secret-stdin': { type: 'boolean' },
  'secret-env': { type: 'string' },
  public: { type: 'boolean' },
  'single-active-token': { type: 'boolean' },
  ...RATE_LIMIT_OPTIONS,
} as const;

export async function run(args: string[], io: CliIo): Promise<number> {
  return runActionCommand(args, io, USAGE, OPTIONS, async ({ values, action, target: id, config }) => {
    const tenantId = values.tenant ?? config.defaultTenant;
    const needId = () => {
      if (id === undefined) throw new UsageError(`clients ${action} needs a client id`);
      return id;
    };
    const secret = await chosenSecret(values, io);
    return withTessera(config, async ({ admin }) => {
      const clients = admin.clients;
      switch (action) {
        case 'create':
          printJson(io, await clients.create({
            tenantId,
            id: needId(),
            name: values.name,
            secret,
            grantTypes: list(values.grants) as GrantType[] | undefined,
            scopes: list(values.scopes),
            accounts: list(values.accounts),
            tokenFormat: values.format as TokenFormat | undefined,
            accessTokenLifetime: integerFlag(values.lifetime, 'lifetime'),
            audience: values.audience,
            clientType: values.public ? 'public' : undefined,
            singleActiveToken: values['single-active-token'],
            rateLimit: rateLimitFlags(values),
          }, cliContext()));
          return EXIT.ok;
        case 'update': {
          const rateLimit = rateLimitFlags(values);
          if (rateLimit === undefined) throw new UsageError('clients update needs a setting to change (--rate-limit)');
          printJson(io, await clients.update(tenantId, needId(), { rateLimit }, cliContext()));
          return EXIT.ok;
        }
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
        case 'lock-state':
          printJson(io, await clients.lockState(tenantId, needId()));
          return EXIT.ok;
        case 'unlock':
          printJson(io, await clients.unlock(tenantId, needId(), cliContext()));
          return EXIT.ok;
        case 'rotate-secret':
          printJson(io, await clients.rotateSecret(tenantId, needId(), { secret, overlapSeconds: integerFlag(values.overlap, 'overlap') }, cliContext()));
          return EXIT.ok;
        default:
          throw new UsageError(`unknown action '${action}'`);
      }
    });
  });
}

async function chosenSecret(values: { 'secret-stdin'?: boolean | undefined; 'secret-env'?: string | undefined }, io: CliIo): Promise<string | undefined> {
  if (values['secret-stdin'] && values['secret-env'] !== undefined) throw new UsageError('use one of --secret-stdin and --secret-env');
  if (values['secret-stdin']) return (await io.readStdin()).replace(/\r?\n$/, '');
  if (values['secret-env'] !== undefined) {
    const value = io.env[values['secret-env']];
    if (value === undefined || value === '') throw new UsageError(`environment variable ${values['secret-env']} is not set`);
    return value;
  }
  return undefined;
}
