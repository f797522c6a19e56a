import type { Migration } from '../migration.ts';

/**
 * A tenant's CORS allow-list and whether its issuer follows the server's URL
 * (twin of sqlite/008). Tenants that exist keep the issuer they have: whether
 * it was chosen or derived is not known, so it counts as chosen. A column with
 * a constant default is added without rewriting the table.
 */
export const tenantCorsAndIssuer: Migration = {
  version: 8,
  name: 'tenants.cors_origins and tenants.issuer_follows_server',
  sql: `
    ALTER TABLE tenants ADD COLUMN cors_origins text[] NOT NULL DEFAULT '{}';
    ALTER TABLE tenants ADD COLUMN issuer_follows_server boolean NOT NULL DEFAULT false;
  `,
};
