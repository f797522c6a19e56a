import type { Migration } from '../migration.ts';

/**
 * A key's private half becomes optional (deleted once the key only verifies)
 * and moves to `private_key`, text that holds the half as the key service
 * writes it; tenants count key revocations, so every instance's coherent read
 * of the tenant (its row raises cache_version) tells it to re-read the keys.
 */
export const keyRevocation: Migration = {
  version: 16,
  name: 'signing_keys.private_key (nullable, replaces private_jwk); tenants.keys_revision',
  sql: `
    ALTER TABLE signing_keys ADD COLUMN private_key text;
    UPDATE signing_keys SET private_key = private_jwk::text;
    ALTER TABLE signing_keys DROP COLUMN private_jwk;
    ALTER TABLE tenants ADD COLUMN keys_revision bigint NOT NULL DEFAULT 0;
  `,
};
