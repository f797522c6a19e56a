/** `tessera keys list|rotate`: a tenant's signing keys and their rotation. */
import { cliContext } from '../../admin/audit.ts';
import { integerFlag, printJson, runActionCommand, STORE_OPTIONS, UsageError } from '../common.ts';
import { withTessera } from '../../server/management.ts';
import { EXIT, type CliIo } from '../io.ts';

const USAGE = `usage:
  tessera keys list [--tenant ID]
  tessera keys rotate [--tenant ID] [--delay SECONDS]
rotate creates the tenant's next signing key and publishes it in the JWKS at once;
it signs after --delay seconds (default: keyPrePublicationSeconds, 3600). The keys it
replaces keep verifying until every token they signed has expired, then leave the JWKS.
Running servers notice a rotation within keyRefreshSeconds (default 30). States: pending
(published, not yet signing), active (signing), verifying (replaced, still published), retired.
common options: --db PATH, --config FILE
`;

const OPTIONS = { ...STORE_OPTIONS, tenant: { type: 'string' }, delay: { type: 'string' } } as const;

export async function run(args: string[], io: CliIo): Promise<number> {
  return runActionCommand(args, io, USAGE, OPTIONS, async ({ values, action, config }) => {
    const tenantId = values.tenant ?? config.defaultTenant;
    return withTessera(config, async ({ admin }) => {
      const keys = admin.keys;
      switch (action) {
        case 'list':
          printJson(io, await keys.list(tenantId));
          return EXIT.ok;
        case 'rotate':
          printJson(io, await keys.rotate(tenantId, { prePublicationSeconds: integerFlag(values.delay, 'delay') ?? config.keyPrePublicationSeconds }, cliContext()));
          return EXIT.ok;
        default:
          throw new UsageError(`unknown action '${action}'`);
      }
    });
  });
}
