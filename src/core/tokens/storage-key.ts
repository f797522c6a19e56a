/**
 * Opaque tokens carry their issuance time, so that their storage keys are
 * time-ordered.
 *
 * Format: prefix (`tat_`, `trt_`) + 12 lowercase hex digits of the issuance
 * time in ms (48 bits, big-endian: good until the year 10889) + 256 random
 * bits in base64url (43 characters), 59 characters in all, e.g.
 * `tat_019b79f5ab00` + `3q2-…`. The time is not secret (anyone holding the
 * token can read when it was issued, as they can from a JWT's `iat`); the
 * 256 random bits are what make the token unguessable.
 *
 * Storage key: the token's 12 time digits followed by the base64url SHA-256 of
 * the whole token. Tokens were stored under their plain SHA-256 before, a
 * random key: in SQLite's `WITHOUT ROWID` table (and PostgreSQL's primary-key
 * B-tree) every insert landed on a random leaf page, so each group commit of
 * ~20 tokens dirtied ~20 random pages that the WAL and checkpoints wrote in
 * full, slower the larger the table. Keys that start with the time append at
 * the right edge instead: a batch fills one or two pages. Hex is used because
 * its string order is numeric order in every collation the key may meet
 * (SQLite BINARY, PostgreSQL `text` under C or a linguistic locale: digits
 * before `a`–`f`, no case or punctuation); base64url's alphabet (`A`–`Z`
 * before `a`–`z` before `0`–`9`) is not in ASCII order, and its `-` and `_`
 * are ignored by linguistic collations.
 *
 * The key still depends on the whole token through the hash, so a database
 * dump holds nothing a client could present, and a presented token with a
 * forged time finds nothing. Tokens in the earlier format (prefix + 43
 * characters) and JWTs (recorded for user logins and revocation markers) keep
 * their plain SHA-256 key, so tokens issued before this format keep working;
 * the two kinds of key never collide (43 against 55 characters). Anything
 * else, malformed or garbage, also gets a plain SHA-256 key, which finds
 * nothing: computing a key never throws.
 */
import { randomToken, sha256 } from '../crypto/random.ts';

/** The largest time the 12 hex digits hold (2^48 − 1 ms). */
export const MAX_TOKEN_TIME = 2 ** 48 - 1;

const TIME_DIGITS = 12;
const TIME_ORDERED = /^(?:tat|trt)_[0-9a-f]{12}[A-Za-z0-9_-]{43}$/;

/**
 * A new opaque token: `prefix` + the issuance time `issuedAt` (ms, from the
 * injected clock) + 256 random bits. A time outside 0…2^48 − 1 is clamped:
 * only the ordering of keys depends on it, never the token's validity.
 */
export function timeOrderedToken(prefix: 'tat_' | 'trt_', issuedAt: number): string {
  const ms = Number.isFinite(issuedAt) ? Math.min(Math.max(Math.floor(issuedAt), 0), MAX_TOKEN_TIME) : 0;
  return randomToken(prefix + ms.toString(16).padStart(TIME_DIGITS, '0'));
}

/** The key a token is stored and looked up under (see the file's comment); never throws for a string. */
export function tokenStorageKey(token: string): string {
  if (!TIME_ORDERED.test(token)) return sha256(token);
  return token.slice(4, 4 + TIME_DIGITS) + sha256(token);
}
