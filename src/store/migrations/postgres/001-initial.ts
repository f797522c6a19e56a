import type { Migration } from '../migration.ts';

/**
 * PostgreSQL twin of sqlite/001-initial.ts: same tables, same names, native
 * types (lists as text[], structured values as jsonb, instants as bigint ms).
 */
export const initial: Migration = {
  version: 1,
  name: 'tenants, clients, tokens, signing keys',
  sql: `
    CREATE TABLE tenants (
      id text PRIMARY KEY,
      issuer text NOT NULL,
      signing_alg text NOT NULL,
      access_token_lifetime integer NOT NULL,
      created_at bigint NOT NULL,
      updated_at bigint NOT NULL
    );

    -- Host names (Host header) that select a tenant; a host selects at most one.
    CREATE TABLE tenant_hosts (
      host text PRIMARY KEY,
      tenant_id text NOT NULL REFERENCES tenants(id) ON DELETE CASCADE
    );
    CREATE INDEX tenant_hosts_by_tenant ON tenant_hosts (tenant_id);

    CREATE TABLE clients (
      tenant_id text NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
      id text NOT NULL,
      name text NOT NULL,
      secrets jsonb NOT NULL,
      grant_types text[] NOT NULL,
      scopes text[] NOT NULL,
      accounts text[] NOT NULL,
      token_format text NOT NULL,
      access_token_lifetime integer,
      audience text,
      enabled boolean NOT NULL,
      created_at bigint NOT NULL,
      updated_at bigint NOT NULL,
      PRIMARY KEY (tenant_id, id)
    );

    -- Keyed by the token's hash: lookups are by hash, never by the token.
    CREATE TABLE tokens (
      hash text PRIMARY KEY,
      kind text NOT NULL,
      tenant_id text NOT NULL,
      client_id text NOT NULL,
      subject text NOT NULL,
      scope text[] NOT NULL,
      accounts text[] NOT NULL,
      issued_at bigint NOT NULL,
      expires_at bigint NOT NULL,
      revoked_at bigint,
      family_id text,
      username text
    );
    CREATE INDEX tokens_by_expiry ON tokens (expires_at);
    CREATE INDEX tokens_by_family ON tokens (family_id) WHERE family_id IS NOT NULL;
    CREATE INDEX tokens_by_subject ON tokens (tenant_id, client_id, subject);

    CREATE TABLE signing_keys (
      kid text PRIMARY KEY,
      tenant_id text NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
      alg text NOT NULL,
      private_jwk jsonb NOT NULL,
      public_jwk jsonb NOT NULL,
      created_at bigint NOT NULL
    );
    -- One key per tenant and algorithm until rotation lands: the constraint is
    -- what makes concurrent first starts agree on a single key.
    CREATE UNIQUE INDEX signing_keys_one_per_alg ON signing_keys (tenant_id, alg);
  `,
};
