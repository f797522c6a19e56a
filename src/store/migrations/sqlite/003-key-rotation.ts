import type { Migration } from '../migration.ts';

/**
 * Key rotation: several keys per tenant and algorithm, each with a generation
 * and the instants it starts signing and leaves the JWKS.
 *
 * Migration 001's unique (tenant_id, alg) index made concurrent first starts
 * agree on one key; (tenant_id, alg, generation) keeps that guarantee for
 * every rotation: two processes or operators creating "the next key" at once
 * race for the same generation, and one insert wins. Existing keys become
 * generation 1, signing since they were created.
 */
export const keyRotation: Migration = {
  version: 3,
  name: 'signing key generations for rotation',
  sql: `
    ALTER TABLE signing_keys ADD COLUMN generation INTEGER NOT NULL DEFAULT 1;
    ALTER TABLE signing_keys ADD COLUMN activates_at INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE signing_keys ADD COLUMN retires_at INTEGER;
    UPDATE signing_keys SET activates_at = created_at;
    DROP INDEX signing_keys_one_per_alg;
    CREATE UNIQUE INDEX signing_keys_one_per_generation ON signing_keys (tenant_id, alg, generation);
  `,
};
