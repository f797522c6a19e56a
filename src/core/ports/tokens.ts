/**
 * Storage of token records (opaque tokens, refresh tokens, user-login JWTs
 * and JWT revocation markers), split by what each part of the core does with
 * them, so a strategy or grant receives only what it uses (ory/fosite's
 * handler/oauth2/storage.go splits its storage the same way).
 */
import type { TokenRecord } from '../model.ts';

/** Persists new records: the token strategies and refresh-token issuance. */
export interface TokenWriter {
  /** Persists a token's record; the expiry travels with it. Settles only once the record is durable. */
  saveToken(record: TokenRecord): Promise<void>;
}

/** Looks records up by storage key: introspection, revocation, the refresh grant. */
export interface TokenReader {
  findToken(hash: string): Promise<Readonly<TokenRecord> | undefined>;
}

/** Ends tokens before their expiry. */
export interface TokenRevocation {
  /** Marks one token revoked at `at` (ms); false when unknown or already revoked. */
  revokeToken(hash: string, at: number): Promise<boolean>;
  /**
   * Revokes every unrevoked token of a family; returns how many. With
   * `replacement` (a refresh token of the same family), stores it in the same
   * atomic step when anything was revoked, so the family goes on with that
   * one live refresh token. Serialised with every other revocation and
   * consumption of the family, on every process sharing the store.
   */
  revokeFamily(familyId: string, at: number, replacement?: TokenRecord): Promise<number>;
  /**
   * Revokes every unrevoked token a client holds for a subject (the
   * single-active-token policy of seed 003), except those of
   * `exceptFamilyId` (the login being answered) and the client's own
   * client-credentials tokens (no user, subject = the client id), which no
   * login is; returns how many.
   */
  revokeSubjectTokens(tenantId: string, clientId: string, subject: string, at: number, exceptFamilyId?: string): Promise<number>;
  /** Revokes every unrevoked token issued to a user (any client); returns how many. */
  revokeUserTokens(tenantId: string, userId: string, at: number): Promise<number>;
}

/** What happened when a refresh token was presented for rotation. */
export type RefreshTokenUse =
  /** It was live and is now used (revoked, with the time of use recorded). */
  | { outcome: 'consumed'; record: TokenRecord }
  /** It had been used already, at `usedAt` (ms). */
  | { outcome: 'reused'; record: TokenRecord; usedAt: number }
  /** It had been revoked for another reason (family, single active token, revocation). */
  | { outcome: 'revoked'; record: TokenRecord }
  | { outcome: 'unknown' };

/** The single-use step of refresh-token rotation. */
export interface RefreshTokenRotation {
  /**
   * Atomic: marks a live refresh token used (revoked at `at`) and reports it
   * consumed exactly once, however many requests present it at the same
   * moment. With `replacement` (the next refresh token of its family), the
   * consumption and the replacement's insertion are one step, serialised per
   * family with {@link TokenRevocation.revokeFamily} on every process
   * sharing the store: a family never has two live refresh tokens, so
   * parallel refreshes cannot fork it.
   */
  consumeRefreshToken(hash: string, at: number, replacement?: TokenRecord): Promise<RefreshTokenUse>;
  /**
   * Whether the refresh token `hash` of family `familyId` is still unrevoked,
   * read from the database itself (never a cache) in a step serialised with
   * {@link TokenRevocation.revokeFamily} of that family on every process
   * sharing the store: a revocation of the family has either finished before
   * the read (and is seen) or starts after it (and sees every token committed
   * before the call).
   */
  refreshTokenLive(hash: string, familyId: string): Promise<boolean>;
}

/** Removes what has expired. */
export interface TokenPurge {
  /**
   * Deletes at most `limit` tokens whose expiry is before `before` (ms),
   * earliest first, and returns how many. The bound keeps each delete short,
   * so a purge never holds the database long enough to delay issuance; the
   * caller repeats it until fewer than `limit` come back.
   */
  purgeExpired(before: number, limit: number): Promise<number>;
}

/** Every token concern over one database: what an adapter implements. */
export interface TokenStore extends TokenWriter, TokenReader, TokenRevocation, RefreshTokenRotation, TokenPurge {}
