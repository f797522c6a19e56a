/**
 * How `pg` hands over Tessera's columns (jsonb parsed, `text[]` as arrays,
 * booleans as booleans), and the column lists of each table: explicit, never
 * `*`, so a later migration that adds a column cannot invalidate plans cached
 * by instances still running the previous release.
 */
import { createRowMapper } from '../rows.ts';

export type { Row } from '../rows.ts';

export const mapRow = createRowMapper({
  json: (v) => v as never,
  strings: (v) => v as string[],
  scope: (v) => v as string[],
  boolean: (v) => v === true,
});

export const TENANT_COLUMNS = 'id, issuer, signing_alg, access_token_lifetime, login_policy, cors_origins, issuer_follows_server, rate_limit, jwt_profile, created_at, updated_at';
export const CLIENT_COLUMNS =
  'tenant_id, id, name, secrets, grant_types, scopes, accounts, token_format, access_token_lifetime, audience, client_type, single_active_token, attributes, claims, enabled, created_at, updated_at, rate_limit';
export const TOKEN_COLUMNS =
  'hash, kind, tenant_id, client_id, subject, scope, accounts, issued_at, expires_at, revoked_at, family_id, username';
export const KEY_COLUMNS = 'kid, tenant_id, alg, private_key, public_jwk, created_at, generation, activates_at, retires_at';
export const USER_COLUMNS = 'tenant_id, id, username, username_given, password_hash, role, phone_numbers, accounts, attributes, enabled, created_at, updated_at';
