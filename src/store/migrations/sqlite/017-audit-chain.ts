import type { Migration } from '../migration.ts';

/**
 * The audit log's hash chain (core/audit-chain.ts): each entry's link to the
 * one before it and its own hash. Entries already written keep neither: they
 * predate the chain, which starts at the next entry.
 */
export const auditChain: Migration = {
  version: 17,
  name: 'audit_log.prev_hash and hash: the hash chain over audit entries',
  sql: `
    ALTER TABLE audit_log ADD COLUMN prev_hash TEXT;
    ALTER TABLE audit_log ADD COLUMN hash TEXT;
  `,
};
