/** `tessera keys list|rotate|revoke`: a tenant's signing keys, their rotation and their withdrawal. */
import { cliContext } from '../../admin/audit.ts';
import { integerFlag, OUTPUT_OPTIONS, runActionCommand, STORE_OPTION_VALUES, UsageError } from '../common.ts';
import type { CommandSpec } from '../command-spec.ts';
import { rewrapKeyEncryption } from '../../server/key-encryption.ts';
import { withTessera } from '../../server/management.ts';
import { EXIT, type CliIo } from '../io.ts';

const USAGE = `usage:
  tessera keys list [--tenant ID]
  tessera keys rotate [--tenant ID] [--delay SECONDS]
  tessera keys revoke KID [--tenant ID]
  tessera keys rewrap [--new-key-file PATH]
rotate creates the tenant's next signing key and publishes it in the JWKS at once;
it signs after --delay seconds (default: keyPrePublicationSeconds, 3600). The keys it
replaces keep verifying until every token they signed has expired, then leave the JWKS.
Running servers notice a rotation within keyRefreshSeconds (default 30). States: pending
(published, not yet signing), active (signing), verifying (replaced, still published), retired.
A rotation also retires the keys of an algorithm the tenant no longer signs with; a key's
private half is deleted once it only verifies.
revoke withdraws a (compromised) key at once: it is deleted, leaves the JWKS, and tokens it
signed stop introspecting as active in every running server at their next request (resource
servers that cache the JWKS drop it at their next fetch). If it was signing, a new key signs.
rewrap seals every tenant's private signing keys under a new key-encryption key. With
--new-key-file, the key in PATH (generated, mode 0600, if PATH does not exist): configure it
afterwards (keyEncryptionKeyFile, or TESSERA_KEY_ENCRYPTION_KEY) and restart the servers.
Without it, for a SQLite database using its default <database>.kek: a new key replaces that file.
common options: --db PATH, --config FILE, --output json|table
`;

const OPTIONS = { ...OUTPUT_OPTIONS, tenant: { type: 'string' }, delay: { type: 'string' }, 'new-key-file': { type: 'string' } } as const;

export const spec = { actions: ['list', 'rotate', 'revoke', 'rewrap'], options: OPTIONS, values: STORE_OPTION_VALUES } satisfies CommandSpec;

export async function run(args: string[], io: CliIo): Promise<number> {
  return runActionCommand(args, io, USAGE, spec, async ({ values, action, config, print, positionals }) => {
    const tenantId = values.tenant ?? config.defaultTenant;
    return withTessera(config, async (tessera) => {
      const keys = tessera.admin.keys;
      switch (action) {
        case 'list':
          print(await keys.list(tenantId));
          return EXIT.ok;
        case 'rotate':
          print(await keys.rotate(tenantId, { prePublicationSeconds: integerFlag(values.delay, 'delay') ?? config.keyPrePublicationSeconds }, cliContext()));
          return EXIT.ok;
        case 'revoke': {
          const kid = positionals[0];
          if (kid === undefined || positionals.length > 1) throw new UsageError('keys revoke takes one key id (KID, from tessera keys list)');
          print(await keys.revoke(tenantId, kid, cliContext()));
          return EXIT.ok;
        }
        case 'rewrap': {
          const { kek, stored } = tessera.keyEncryption;
          print(await rewrapKeyEncryption(config, kek, { keys: stored, tenants: tessera.store.tenants }, values['new-key-file']));
          return EXIT.ok;
        }
        default:
          throw new UsageError(`unknown action '${action}'`);
      }
    }, { notice: (message) => io.err(`${message}\n`) });
  });
}
