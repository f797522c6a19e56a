/**
 * Client secrets: generated ones and operator-chosen ones are stored
 * differently, for a reason.
 *
 * - A **generated** secret carries 256 random bits. Nobody can guess it, so a
 *   single SHA-256 is as strong as any slow hash and costs a microsecond. It
 *   is stored as `sha256$<base64url digest>`.
 * - An **operator-chosen** secret (seed 000 uses a human `username:password`
 *   pair as client credentials) may be weak, so it is stored with argon2id,
 *   whose cost makes offline guessing expensive if the database leaks.
 *
 * argon2id on every token request would cap such a client at a few dozen
 * tokens per second per core, so a successful verification is remembered for
 * a few minutes as an HMAC of the presented secret under a per-process random
 * key (never the secret itself), bound to the stored hash: rotating or
 * deleting the secret changes the hash and the memory no longer matches.
 * Only successes are remembered; a wrong secret always pays full price.
 * A remembered success also lets a client through while it is locked for
 * failed guesses (authenticate-client.ts): no guesser can produce it.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { ClientSecret } from '../model.ts';
import { isArgon2idHash, type Argon2id } from '../crypto/argon2id.ts';
import type { RunOptions } from '../crypto/work-limiter.ts';
import { OWASP_MINIMUM } from '../crypto/argon2id.ts';
import { randomToken, sha256 } from '../crypto/random.ts';

/** Prefix of generated client secrets, so secret scanners can spot leaked ones. */
export const GENERATED_SECRET_PREFIX = 'tcs_';

export function generateClientSecret(): string {
  return randomToken(GENERATED_SECRET_PREFIX);
}

/** Hashes a secret Tessera generated (high entropy): SHA-256 suffices. */
export function hashGeneratedSecret(secret: string): string {
  return `sha256$${sha256(secret)}`;
}

/** Hashes a secret an operator chose (maybe low entropy): argon2id. */
export function hashChosenSecret(argon2: Argon2id, secret: string): Promise<string> {
  return argon2.hash(secret);
}

/** A hash no secret matches, with the parameters real ones use: what a refused secret is checked against when nothing else was. */
const STAND_IN_HASH = `$argon2id$v=19$m=${OWASP_MINIMUM.memory},t=${OWASP_MINIMUM.passes},p=${OWASP_MINIMUM.parallelism}$${b64(randomBytes(16))}$${b64(randomBytes(32))}`;

function b64(bytes: Buffer): string {
  return bytes.toString('base64').replace(/=+$/, '');
}

/** Whether a client has a live operator-chosen secret (argon2id): one a person could guess, which its lockout protects. */
export function hasChosenSecret(client: { secrets: readonly ClientSecret[] }, now: number): boolean {
  return client.secrets.some((s) => isArgon2idHash(s.hash) && (s.expiresAt === null || s.expiresAt > now));
}

/** How a presented secret fared (see {@link SecretVerifier.check}). */
export interface SecretCheck {
  matched: boolean;
  /** Matched by something no guesser can produce: a generated secret, or a chosen one verified recently. */
  trusted: boolean;
  /** An argon2id computation ran. */
  hashed: boolean;
  /**
   * Remembers an argon2id match, for the caller to call once it accepts the
   * client: a match refused anyway (a locked client) must not be remembered,
   * or a guess that hit during a lock would be let through afterwards.
   */
  remember(): void;
}

export interface SecretCheckOptions extends RunOptions {
  /** Awaited once, before the first argon2id computation (the rate limits' failure gate); throws to refuse. */
  beforeArgon2?: (() => void | Promise<void>) | undefined;
  /**
   * Awaited once, after `beforeArgon2`, when a guessable secret is about to
   * be checked (none of the client's secrets matched without argon2id):
   * false refuses the guess unchecked (the lockout's reservation).
   */
  admit?: (() => Promise<boolean>) | undefined;
}

export interface SecretVerifierOptions {
  /** How long a successful argon2id verification is remembered (ms). */
  rememberMs?: number;
  /** Upper bound on remembered verifications (oldest dropped first). */
  maxRemembered?: number;
}

/** Verifies presented client secrets against a client's stored hashes, in constant time. */
export class SecretVerifier {
  readonly #argon2: Argon2id;
  readonly #key = randomBytes(32);
  readonly #remembered = new Map<string, number>();
  readonly #rememberMs: number;
  readonly #maxRemembered: number;

  constructor(argon2: Argon2id, options: SecretVerifierOptions = {}) {
    this.#argon2 = argon2;
    this.#rememberMs = options.rememberMs ?? 5 * 60_000;
    this.#maxRemembered = options.maxRemembered ?? 10_000;
  }

  /** True when `presented` matches any of `secrets` that has not expired at `now`; a match is remembered. */
  async verify(secrets: readonly ClientSecret[], presented: string, now: number, options: RunOptions = {}): Promise<boolean> {
    const check = await this.check(secrets, presented, now, options);
    if (check.matched) check.remember();
    return check.matched;
  }

  /**
   * Checks `presented` against every live secret of a client, in constant
   * time, telling how it matched: `trusted` when no guesser could have
   * produced it (a generated secret, or a chosen one this process verified
   * recently), `matched` when an argon2id check accepted it, and `hashed`
   * when an argon2id computation ran. Before the first argon2id computation
   * `beforeArgon2` is awaited, then (unless the secret is already trusted)
   * `admit`: a guess it does not admit is hashed against the stand-in hash
   * instead, the same work, and matches nothing.
   */
  async check(secrets: readonly ClientSecret[], presented: string, now: number, options: SecretCheckOptions = {}): Promise<SecretCheck> {
    const verified: string[] = [];
    const result: SecretCheck = { matched: false, trusted: false, hashed: false, remember: () => {
      for (const memoKey of verified) this.#remember(memoKey, now + this.#rememberMs);
    } };
    const chosen: { hash: string; memoKey: string }[] = [];
    // What no guesser can produce is looked at first, so a trusted secret is never counted as a guess.
    for (const secret of secrets) {
      if (secret.expiresAt !== null && secret.expiresAt <= now) continue;
      if (secret.hash.startsWith('sha256$')) {
        if (constantTimeEqual(secret.hash, hashGeneratedSecret(presented))) result.matched = result.trusted = true;
        continue;
      }
      if (!isArgon2idHash(secret.hash)) continue;
      const memoKey = this.#memoKey(secret.hash, presented);
      const until = this.#remembered.get(memoKey);
      if (until !== undefined && until > now) result.matched = result.trusted = true;
      else chosen.push({ hash: secret.hash, memoKey });
    }
    let admitted = true;
    // No early exit: every live chosen secret is hashed so timing does not reveal which one matched.
    for (const { hash, memoKey } of chosen) {
      if (!result.hashed) {
        await options.beforeArgon2?.();
        if (!result.trusted && options.admit !== undefined) admitted = await options.admit();
      }
      result.hashed = true;
      if (await this.#argon2.verify(presented, admitted ? hash : STAND_IN_HASH, options) && admitted) {
        verified.push(memoKey);
        result.matched = true;
      }
    }
    return result;
  }

  /**
   * One argon2id computation that matches nothing, with the parameters of
   * real hashes: what a refused secret costs when nothing else was hashed
   * (an unknown client id, a wrong generated secret), so the two cannot be
   * told apart by time.
   */
  async standIn(presented: string, options: RunOptions = {}): Promise<void> {
    await this.#argon2.verify(presented, STAND_IN_HASH, options);
  }

  #memoKey(hash: string, presented: string): string {
    return `${hash}\u0000${createHmac('sha256', this.#key).update(presented).digest('base64url')}`;
  }

  #remember(memoKey: string, until: number): void {
    this.#remembered.delete(memoKey);
    this.#remembered.set(memoKey, until);
    if (this.#remembered.size > this.#maxRemembered) {
      const oldest = this.#remembered.keys().next().value;
      if (oldest !== undefined) this.#remembered.delete(oldest);
    }
  }
}

/** Constant-time string equality (lengths are compared first; they are not secret here). */
export function constantTimeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
