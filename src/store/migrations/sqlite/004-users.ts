import type { Migration } from '../migration.ts';

export const users: Migration = {
  version: 4,
  name: 'users, lockout, refresh token use, client types, tenant login policy',
  sql: `
    CREATE TABLE users (
      tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
      id TEXT NOT NULL,
      -- Stored normalised (NFC, case-folded), so the unique index is case-insensitive.
      username TEXT NOT NULL,
      password_hash TEXT NOT NULL,
      role TEXT NOT NULL,
      phone_numbers TEXT NOT NULL,
      accounts TEXT NOT NULL,
      enabled INTEGER NOT NULL,
      created_at INTEGER NOT NULL,
      updated_at INTEGER NOT NULL,
      PRIMARY KEY (tenant_id, id)
    ) STRICT, WITHOUT ROWID;
    CREATE UNIQUE INDEX users_by_username ON users (tenant_id, username);

    -- One row per user that ever failed a password; counted by single UPDATE statements.
    CREATE TABLE user_lockouts (
      tenant_id TEXT NOT NULL,
      user_id TEXT NOT NULL,
      failed_count INTEGER NOT NULL,
      locked_until INTEGER,
      last_failure_at INTEGER,
      last_failure_address TEXT,
      PRIMARY KEY (tenant_id, user_id),
      FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) ON DELETE CASCADE
    ) STRICT, WITHOUT ROWID;

    -- When a refresh token was used for rotation (it is revoked at the same instant);
    -- NULL for tokens revoked for any other reason. Reuse detection tells the two apart.
    ALTER TABLE tokens ADD COLUMN used_at INTEGER;
    -- A user's tokens across clients, for revocation on password change, disabling, deletion.
    CREATE INDEX tokens_by_user ON tokens (tenant_id, subject) WHERE username IS NOT NULL;

    ALTER TABLE clients ADD COLUMN client_type TEXT NOT NULL DEFAULT 'confidential';
    ALTER TABLE clients ADD COLUMN single_active_token INTEGER NOT NULL DEFAULT 0;

    -- JSON; NULL (every tenant created before this version) means the defaults.
    ALTER TABLE tenants ADD COLUMN login_policy TEXT;
  `,
};
