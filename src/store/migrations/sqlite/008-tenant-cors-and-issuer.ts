import type { Migration } from '../migration.ts';

/**
 * A tenant's CORS allow-list (a JSON array of origins) and whether its issuer
 * follows the server's URL. Tenants that exist keep the issuer they have:
 * whether it was chosen or derived is not known, so it counts as chosen.
 */
export const tenantCorsAndIssuer: Migration = {
  version: 8,
  name: 'tenants.cors_origins and tenants.issuer_follows_server',
  sql: `
    ALTER TABLE tenants ADD COLUMN cors_origins TEXT NOT NULL DEFAULT '[]';
    ALTER TABLE tenants ADD COLUMN issuer_follows_server INTEGER NOT NULL DEFAULT 0;
  `,
};
