import type { Migration } from '../migration.ts';

/** PostgreSQL twin of sqlite/003-key-rotation.ts. */
export const keyRotation: Migration = {
  version: 3,
  name: 'signing key generations for rotation',
  sql: `
    ALTER TABLE signing_keys ADD COLUMN generation integer NOT NULL DEFAULT 1;
    ALTER TABLE signing_keys ADD COLUMN activates_at bigint NOT NULL DEFAULT 0;
    ALTER TABLE signing_keys ADD COLUMN retires_at bigint;
    UPDATE signing_keys SET activates_at = created_at;
    DROP INDEX signing_keys_one_per_alg;
    CREATE UNIQUE INDEX signing_keys_one_per_generation ON signing_keys (tenant_id, alg, generation);
  `,
};
