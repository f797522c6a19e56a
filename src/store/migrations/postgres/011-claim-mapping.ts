import type { Migration } from '../migration.ts';

/** PostgreSQL twin of sqlite/009-claim-mapping.ts. */
export const claimMapping: Migration = {
  version: 11,
  name: 'attributes, claim mappers and the tenant JWT profile',
  sql: `
    ALTER TABLE clients ADD COLUMN attributes jsonb NOT NULL DEFAULT '{}'::jsonb;
    ALTER TABLE clients ADD COLUMN claims jsonb NOT NULL DEFAULT '[]'::jsonb;
    ALTER TABLE users ADD COLUMN attributes jsonb NOT NULL DEFAULT '{}'::jsonb;
    ALTER TABLE tenants ADD COLUMN jwt_profile jsonb;
  `,
};
