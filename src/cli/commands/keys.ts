/** `tessera keys list|rotate`: a tenant's signing keys and their rotation. */
import { cliContext } from '../../admin/audit.ts';
import { integerFlag, OUTPUT_OPTIONS, runActionCommand, STORE_OPTION_VALUES, UsageError } from '../common.ts';
import type { CommandSpec } from '../command-spec.ts';
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
common options: --db PATH, --config FILE, --output json|table
`;

const OPTIONS = { ...OUTPUT_OPTIONS, tenant: { type: 'string' }, delay: { type: 'string' } } as const;

export const spec = { actions: ['list', 'rotate'], options: OPTIONS, values: STORE_OPTION_VALUES } satisfies CommandSpec;

export async function run(args: string[], io: CliIo): Promise<number> {
  return runActionCommand(args, io, USAGE, spec, async ({ values, action, config, print }) => {
    const tenantId = values.tenant ?? config.defaultTenant;
    return withTessera(config, async ({ admin }) => {
      const keys = admin.keys;
      switch (action) {
        case 'list':
          print(await keys.list(tenantId));
          return EXIT.ok;
        case 'rotate':
          print(await keys.rotate(tenantId, { prePublicationSeconds: integerFlag(values.delay, 'delay') ?? config.keyPrePublicationSeconds }, cliContext()));
          return EXIT.ok;
        default:
          throw new UsageError(`unknown action '${action}'`);
      }
    });
  });
}
