/**
 * User passwords: argon2id with OWASP's minimum parameters (m = 19 MiB,
 * t = 2, p = 1), through the process's one bounded {@link Argon2id}.
 *
 * Passwords are normalised to Unicode NFC before hashing (RFC 8265's
 * OpaqueString profile; NIST SP 800-63B §5.1.1.2 asks for normalisation), so
 * the same password typed on two keyboards that compose accents differently
 * still matches. Length is bounded in bytes before any hashing, so argon2's
 * cost is never the caller's to choose.
 *
 * @see https://cheatsheetseries.owasp.org/cheatsheets/Password_Storage_Cheat_Sheet.html#argon2id
 * @see https://www.rfc-editor.org/rfc/rfc8265#section-4.2
 */
import { randomBytes } from 'node:crypto';
import type { RunOptions } from '../crypto/work-limiter.ts';
import { MAX_ARGON2_INPUT_BYTES, OWASP_MINIMUM, type Argon2id } from '../crypto/argon2id.ts';

/** Shortest password accepted when an operator sets one (NIST SP 800-63B: at least 8). */
export const MIN_PASSWORD_LENGTH = 8;
/** Longest password in UTF-8 bytes, after normalisation; anything longer is refused unhashed. */
export const MAX_PASSWORD_BYTES = MAX_ARGON2_INPUT_BYTES;

/**
 * A hash no password matches, with the parameters real hashes use: an
 * unknown username is checked against it, so it costs exactly the time a
 * wrong password for a real user costs and the two cannot be told apart.
 */
const DUMMY_HASH = `$argon2id$v=19$m=${OWASP_MINIMUM.memory},t=${OWASP_MINIMUM.passes},p=${OWASP_MINIMUM.parallelism}$${b64(randomBytes(16))}$${b64(randomBytes(32))}`;

function normalize(password: string): string {
  return password.normalize('NFC');
}

/** Whether the password is short enough to hash (in bytes, after normalisation). */
export function passwordFitsBound(password: string): boolean {
  return Buffer.byteLength(normalize(password)) <= MAX_PASSWORD_BYTES;
}

export function hashPassword(argon2: Argon2id, password: string): Promise<string> {
  return argon2.hash(normalize(password));
}

/**
 * Checks `password` against `hash`, or against the dummy hash when there is
 * no user (`hash` undefined), always doing one full argon2id computation.
 */
export async function verifyPassword(argon2: Argon2id, password: string, hash: string | undefined, options?: RunOptions): Promise<boolean> {
  const ok = await argon2.verify(normalize(password), hash ?? DUMMY_HASH, options);
  return ok && hash !== undefined;
}

function b64(bytes: Buffer): string {
  return bytes.toString('base64').replace(/=+$/, '');
}
