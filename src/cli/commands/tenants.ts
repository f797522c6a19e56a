/** `tessera tenants create|list|show|update`. */
import { cliContext } from '../../admin/audit.ts';
import { TENANT_SETTINGS } from '../../admin/settings/tenant-settings.ts';
import type { CreateTenantInput, TenantSettings } from '../../admin/tenants.ts';
import { serverIssuer } from '../../server/bootstrap.ts';
import { withTessera } from '../../server/management.ts';
import { OUTPUT_OPTIONS, runActionCommand, STORE_OPTION_VALUES, UsageError } from '../common.ts';
import type { CommandSpec } from '../command-spec.ts';
import { EXIT, type CliIo } from '../io.ts';
import { settingOptions, settingsFromFlags, settingUsage, settingValues } from '../setting-flags.ts';

const USAGE = `usage:
  tessera tenants create <id> ${settingUsage(TENANT_SETTINGS, [], 30)}
  tessera tenants update <id> ${settingUsage(TENANT_SETTINGS, [], 30)}
  tessera tenants list
  tessera tenants show <id>
--issuer defaults to <publicUrl>/t/<id>, below which every endpoint of the tenant answers;
such an issuer follows publicUrl (and the port) at each start of 'tessera serve'.
--cors-origins lists the web origins whose browser scripts may call the tenant's token,
introspection, revocation, metadata and JWKS endpoints ('*' for any; none by default).
Login settings: after --lockout-failures consecutive failed passwords a user is
locked, the k-th lock in a row for k x --lockout-wait seconds up to --lockout-max-wait;
--lockout-reset seconds without a failure restart the count (0 failures: no lockout).
--default-public-client names the public client that requests without any client
credentials are attributed to (seed 003).
--rate-limit RULE=LIMIT/WINDOW (e.g. token=1000/10s, login=5/1m), RULE=off, or RULE=default
(drop this override); repeatable. Rules: token, introspection, revocation, login. See
docs/rate-limits.md. --secret-lockout-* lock a client with an operator-chosen secret after
that many failed secrets in a row, as the user lockout does.
How the tenant's JWTs look: --token-issuer names their iss (any StringOrURI, e.g.
Deyel; metadata keeps the URL), --token-typ their header typ, --key-ids generation
names keys k1, k2…, and --claims takes claim mappers as JSON, e.g.
'[{"claim":"company","value":"CST"}]' (docs/tokens-and-verification.md).
common options: --db PATH, --config FILE, --output json|table
`;

const OPTIONS = { ...OUTPUT_OPTIONS, ...settingOptions(TENANT_SETTINGS) } as const;

export const spec = {
  actions: ['create', 'list', 'show', 'update'],
  options: OPTIONS,
  values: { ...STORE_OPTION_VALUES, ...settingValues(TENANT_SETTINGS) },
} satisfies CommandSpec;

export async function run(args: string[], io: CliIo): Promise<number> {
  return runActionCommand(args, io, USAGE, spec, async ({ values, action, target: id, config, print }) => {
    const settings = settingsFromFlags(TENANT_SETTINGS, values) as Partial<TenantSettings>;
    return withTessera(config, async ({ admin }) => {
      const tenants = admin.tenants;
      switch (action) {
        case 'create': {
          if (id === undefined) throw new UsageError('tenants create needs an id');
          // Without --issuer, the server's own URL (under /t/<id>), followed at each start of `serve`.
          const issuer = settings.issuer ?? serverIssuer(config, id);
          print(await tenants.create({ ...settings, id, issuer, issuerFollowsServer: settings.issuer === undefined } as CreateTenantInput, cliContext()));
          return EXIT.ok;
        }
        case 'list':
          print(await tenants.list());
          return EXIT.ok;
        case 'show':
          if (id === undefined) throw new UsageError('tenants show needs an id');
          print(await tenants.get(id));
          return EXIT.ok;
        case 'update':
          if (id === undefined) throw new UsageError('tenants update needs an id');
          if (Object.keys(settings).length === 0) throw new UsageError('tenants update needs at least one setting to change');
          print(await tenants.update(id, settings, cliContext()));
          return EXIT.ok;
        default:
          throw new UsageError(`unknown action '${action}'`);
      }
    });
  });
}
