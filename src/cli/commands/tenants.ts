/** `tessera tenants create|list|show|update`. */
import { cliContext } from '../../admin/audit.ts';
import { TENANT_SETTINGS } from '../../admin/settings/tenant-settings.ts';
import type { CreateTenantInput, TenantSettings } from '../../admin/tenants.ts';
import { withTessera } from '../../server/management.ts';
import { printJson, runActionCommand, STORE_OPTIONS, UsageError } from '../common.ts';
import { EXIT, type CliIo } from '../io.ts';
import { settingOptions, settingsFromFlags, settingUsage } from '../setting-flags.ts';

const USAGE = `usage:
  tessera tenants create <id> ${settingUsage(TENANT_SETTINGS, [], 30)}
  tessera tenants update <id> ${settingUsage(TENANT_SETTINGS, [], 30)}
  tessera tenants list
  tessera tenants show <id>
--issuer defaults to <publicUrl>/t/<id>, below which every endpoint of the tenant answers.
Login settings: after --lockout-failures consecutive failed passwords a user is
locked, the k-th lock in a row for k x --lockout-wait seconds up to --lockout-max-wait;
--lockout-reset seconds without a failure restart the count (0 failures: no lockout).
--default-public-client names the public client that requests without any client
credentials are attributed to (seed 003).
How the tenant's JWTs look: --token-issuer names their iss (any StringOrURI, e.g.
Deyel; metadata keeps the URL), --token-typ their header typ, --key-ids generation
names keys k1, k2…, and --claims takes claim mappers as JSON, e.g.
'[{"claim":"company","value":"CST"}]' (docs/tokens-and-verification.md).
common options: --db PATH, --config FILE
`;

const OPTIONS = { ...STORE_OPTIONS, ...settingOptions(TENANT_SETTINGS) } as const;

export async function run(args: string[], io: CliIo): Promise<number> {
  return runActionCommand(args, io, USAGE, OPTIONS, async ({ values, action, target: id, config }) => {
    const settings = settingsFromFlags(TENANT_SETTINGS, values) as Partial<TenantSettings>;
    return withTessera(config, async ({ admin }) => {
      const tenants = admin.tenants;
      switch (action) {
        case 'create': {
          if (id === undefined) throw new UsageError('tenants create needs an id');
          // Under /t/<id> every endpoint of the tenant is reachable below its issuer (see http/endpoint-paths.ts).
          const issuer = settings.issuer ?? `${config.publicUrl ?? `http://localhost:${config.port}`}/t/${id}`;
          printJson(io, await tenants.create({ ...settings, id, issuer } as CreateTenantInput, cliContext()));
          return EXIT.ok;
        }
        case 'list':
          printJson(io, await tenants.list());
          return EXIT.ok;
        case 'show':
          if (id === undefined) throw new UsageError('tenants show needs an id');
          printJson(io, await tenants.get(id));
          return EXIT.ok;
        case 'update':
          if (id === undefined) throw new UsageError('tenants update needs an id');
          if (Object.keys(settings).length === 0) throw new UsageError('tenants update needs at least one setting to change');
          printJson(io, await tenants.update(id, settings, cliContext()));
          return EXIT.ok;
        default:
          throw new UsageError(`unknown action '${action}'`);
      }
    });
  });
}
