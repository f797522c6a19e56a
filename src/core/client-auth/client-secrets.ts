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
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { ClientSecret } from '../model.ts';
import { isArgon2idHash, type Argon2id } from '../crypto/argon2id.ts';
import type { RunOptions } from '../crypto/work-limiter.ts';
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

  /** True when `presented` matches any of `secrets` that has not expired at `now`. */
  async verify(secrets: readonly ClientSecret[], presented: string, now: number, options: RunOptions = {}): Promise<boolean> {
    let matched = false;
    for (const secret of secrets) {
      if (secret.expiresAt !== null && secret.expiresAt <= now) continue;
      // No early exit: every live secret is checked so timing does not reveal which one matched.
      if (await this.#matches(secret.hash, presented, now, options)) matched = true;
    }
    return matched;
  }

  async #matches(hash: string, presented: string, now: number, options: RunOptions): Promise<boolean> {
    if (hash.startsWith('sha256$')) return constantTimeEqual(hash, hashGeneratedSecret(presented));
    if (!isArgon2idHash(hash)) return false;
    const memoKey = `${hash}\u0000${createHmac('sha256', this.#key).update(presented).digest('base64url')}`;
    const until = this.#remembered.get(memoKey);
    if (until !== undefined && until > now) return true;
    const ok = await this.#argon2.verify(presented, hash, options);
    if (ok) this.#remember(memoKey, now + this.#rememberMs);
    return ok;
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
