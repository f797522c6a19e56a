import type { Migration } from '../migration.ts';

export const initial: Migration = {
  version: 1,
  name: 'tenants, clients, tokens, signing keys',
  sql: `
    CREATE TABLE tenants (
      id TEXT PRIMARY KEY,
      issuer TEXT NOT NULL,
      signing_alg TEXT NOT NULL,
      access_token_lifetime INTEGER NOT NULL,
      created_at INTEGER NOT NULL,
      updated_at INTEGER NOT NULL
    ) STRICT;

    -- Host names (Host header) that select a tenant; a host selects at most one.
    CREATE TABLE tenant_hosts (
      host TEXT PRIMARY KEY,
      tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE
    ) STRICT, WITHOUT ROWID;

    CREATE TABLE clients (
      tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
      id TEXT NOT NULL,
      name TEXT NOT NULL,
      secrets TEXT NOT NULL,
      grant_types TEXT NOT NULL,
      scopes TEXT NOT NULL,
      accounts TEXT NOT NULL,
      token_format TEXT NOT NULL,
      access_token_lifetime INTEGER,
      audience TEXT,
      enabled INTEGER NOT NULL,
      created_at INTEGER NOT NULL,
      updated_at INTEGER NOT NULL,
      PRIMARY KEY (tenant_id, id)
    ) STRICT, WITHOUT ROWID;

    -- Keyed by the token's hash: lookups are by hash, never by the token.
    CREATE TABLE tokens (
      hash TEXT PRIMARY KEY,
      kind TEXT NOT NULL,
      tenant_id TEXT NOT NULL,
      client_id TEXT NOT NULL,
      subject TEXT NOT NULL,
      scope TEXT NOT NULL,
      accounts TEXT NOT NULL,
      issued_at INTEGER NOT NULL,
      expires_at INTEGER NOT NULL,
      revoked_at INTEGER,
      family_id TEXT,
      username TEXT
    ) STRICT, WITHOUT ROWID;
    CREATE INDEX tokens_by_expiry ON tokens (expires_at);
    CREATE INDEX tokens_by_family ON tokens (family_id) WHERE family_id IS NOT NULL;
    CREATE INDEX tokens_by_subject ON tokens (tenant_id, client_id, subject);

    CREATE TABLE signing_keys (
      kid TEXT PRIMARY KEY,
      tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
      alg TEXT NOT NULL,
      private_jwk TEXT NOT NULL,
      public_jwk TEXT NOT NULL,
      created_at INTEGER NOT NULL
    ) STRICT;
    -- One key per tenant and algorithm until rotation lands: the constraint is
    -- what makes concurrent first starts agree on a single key.
    CREATE UNIQUE INDEX signing_keys_one_per_alg ON signing_keys (tenant_id, alg);
  `,
};
