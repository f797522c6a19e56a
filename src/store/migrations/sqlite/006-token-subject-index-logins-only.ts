import type { Migration } from '../migration.ts';

/**
 * `tokens_by_subject` serves one query: revoking a subject's other tokens
 * when the single-active-token policy sees a new login. A client's own
 * client-credentials tokens (no user, `sub` = the client id) are never the
 * subject of a login, yet they are most tokens and each paid an entry in the
 * index. Leaving them out saves an index insert per machine token (about a
 * tenth of the issuing path, docs/benchmarks.md) and the index's space; the revocation
 * query names the same condition (tokens.ts), so it still uses the index.
 */
export const tokenSubjectIndexLoginsOnly: Migration = {
  version: 6,
  name: 'tokens_by_subject leaves out client-credentials tokens',
  sql: `
    DROP INDEX tokens_by_subject;
    CREATE INDEX tokens_by_subject ON tokens (tenant_id, client_id, subject, issued_at)
      WHERE username IS NOT NULL OR subject <> client_id;
  `,
};
