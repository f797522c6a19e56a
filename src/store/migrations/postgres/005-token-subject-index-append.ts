import type { Migration } from '../migration.ts';

/** PostgreSQL twin of sqlite/005-token-subject-index-append.ts: a client's new tokens append to its index range. */
export const tokenSubjectIndexAppend: Migration = {
  version: 5,
  name: 'tokens_by_subject ends with issued_at, so inserts append',
  sql: `
    DROP INDEX tokens_by_subject;
    CREATE INDEX tokens_by_subject ON tokens (tenant_id, client_id, subject, issued_at);
  `,
};
