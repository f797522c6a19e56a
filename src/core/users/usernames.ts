/**
 * Usernames compare case-insensitively: they are looked up, and kept unique,
 * in one normal form (Unicode NFC, then lower case), so `User@Example.com` and
 * `user@example.com` are one account, as people expect of e-mail addresses.
 * The name itself is kept as it was created and shown so (seed 003's `userName`).
 * This is RFC 8265's UsernameCaseMapped profile in spirit (case mapping and
 * NFC), without its full PRECIS character-class rules.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8265#section-3.3
 */

/** Longest username in characters; seed 003 uses e-mail addresses (RFC 5321 caps them at 254). */
export const MAX_USERNAME_LENGTH = 256;

// Control characters, and white space at either end, never belong in a username.
const DISALLOWED = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]|^\s|\s$/u;

/** The form a username is looked up and kept unique by. */
export function normalizeUsername(username: string): string {
  return username.normalize('NFC').toLowerCase();
}

/** Whether an operator may give a user this username (checked before normalising). */
export function isValidUsername(username: string): boolean {
  return username.length > 0 && username.length <= MAX_USERNAME_LENGTH && !DISALLOWED.test(username);
}
