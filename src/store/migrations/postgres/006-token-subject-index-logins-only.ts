import type { Migration } from '../migration.ts';

/** PostgreSQL twin of sqlite/006-token-subject-index-logins-only.ts: client-credentials tokens leave the subject index. */
export const tokenSubjectIndexLoginsOnly: Migration = {
  version: 6,
  name: 'tokens_by_subject leaves out client-credentials tokens',
  sql: `
    DROP INDEX tokens_by_subject;
    CREATE INDEX tokens_by_subject ON tokens (tenant_id, client_id, subject, issued_at)
      WHERE username IS NOT NULL OR subject <> client_id;
  `,
};
