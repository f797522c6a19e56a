import type { Migration } from '../migration.ts';

/** PostgreSQL twin of sqlite/004-users.ts. */
export const users: Migration = {
  version: 4,
  name: 'users, lockout, refresh token use, client types, tenant login policy',
  sql: `
    CREATE TABLE users (
      tenant_id text NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
      id text NOT NULL,
      -- Stored normalised (NFC, case-folded), so the unique index is case-insensitive.
      username text NOT NULL,
      password_hash text NOT NULL,
      role text NOT NULL,
      phone_numbers text[] NOT NULL,
      accounts text[] NOT NULL,
      enabled boolean NOT NULL,
      created_at bigint NOT NULL,
      updated_at bigint NOT NULL,
      PRIMARY KEY (tenant_id, id)
    );
    CREATE UNIQUE INDEX users_by_username ON users (tenant_id, username);

    -- One row per user that ever failed a password; counted by single upsert statements.
    CREATE TABLE user_lockouts (
      tenant_id text NOT NULL,
      user_id text NOT NULL,
      failed_count integer NOT NULL,
      locked_until bigint,
      last_failure_at bigint,
      last_failure_address text,
      PRIMARY KEY (tenant_id, user_id),
      FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) ON DELETE CASCADE
    );

    ALTER TABLE tokens ADD COLUMN used_at bigint;
    CREATE INDEX tokens_by_user ON tokens (tenant_id, subject) WHERE username IS NOT NULL;

    ALTER TABLE clients ADD COLUMN client_type text NOT NULL DEFAULT 'confidential';
    ALTER TABLE clients ADD COLUMN single_active_token boolean NOT NULL DEFAULT false;

    -- NULL (every tenant created before this version) means the defaults.
    ALTER TABLE tenants ADD COLUMN login_policy jsonb;
  `,
};
