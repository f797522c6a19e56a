import type { Migration } from '../migration.ts';

/**
 * Claim mapping and how a tenant's JWTs look (seeds 001 and 002): free-form
 * attributes of clients and users, claim mappers of clients, and a tenant's
 * JWT profile (token issuer string, header typ, kid naming, claim mappers) as
 * one JSON document, NULL meaning the defaults, as `login_policy` does.
 */
export const claimMapping: Migration = {
  version: 11,
  name: 'attributes, claim mappers and the tenant JWT profile',
  sql: `
    ALTER TABLE clients ADD COLUMN attributes TEXT NOT NULL DEFAULT '{}';
    ALTER TABLE clients ADD COLUMN claims TEXT NOT NULL DEFAULT '[]';
    ALTER TABLE users ADD COLUMN attributes TEXT NOT NULL DEFAULT '{}';
    ALTER TABLE tenants ADD COLUMN jwt_profile TEXT;
  `,
};
