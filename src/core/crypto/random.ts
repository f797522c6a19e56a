import { hash, randomFillSync } from 'node:crypto';

/**
 * Random bytes drawn from a pool filled 4 KiB at a time.
 *
 * `crypto.randomBytes(32)` per token crosses into OpenSSL and makes a getpid
 * system call for fork safety on every call, a visible share of the opaque
 * token endpoint's CPU profile (docs/benchmarks.md). One `randomFillSync` of
 * 4 KiB serves 128 tokens for about the price of one call.
 *
 * Keeping not-yet-used entropy in process memory adds no exposure: OpenSSL's
 * DRBG state, which determines all of its future output, already lives in
 * this process's memory, and Node's own `crypto.randomUUID()` caches entropy
 * in exactly this way. Every byte is handed out once: the offset only moves
 * forward, a request that does not fit in what is left refills the whole pool
 * (the remainder is discarded, never reused), and bytes are zeroed once read
 * so secrets already issued do not linger in the pool. Node never fork()s
 * a running process (cluster workers start afresh), so no two processes
 * share a pool's contents.
 */
export class RandomPool {
  readonly #pool: Buffer;
  readonly #fill: (buffer: Buffer) => void;
  #offset: number;

  constructor(size = 4096, fill: (buffer: Buffer) => void = (buffer) => randomFillSync(buffer)) {
    // Not from Node's shared allocation slab: the pool is its own memory.
    this.#pool = Buffer.allocUnsafeSlow(size);
    this.#fill = fill;
    this.#offset = size; // empty: filled on first use
  }

  /** `bytes` fresh random bytes as base64url, never handed out before. */
  base64url(bytes: number): string {
    if (!Number.isInteger(bytes) || bytes <= 0 || bytes > this.#pool.length) throw new RangeError(`cannot draw ${bytes} bytes from the pool`);
    if (this.#offset + bytes > this.#pool.length) {
      this.#fill(this.#pool);
      this.#offset = 0;
    }
    const start = this.#offset;
    this.#offset += bytes;
    const text = this.#pool.toString('base64url', start, this.#offset);
    this.#pool.fill(0, start, this.#offset);
    return text;
  }
}

const pool = new RandomPool();

/** `bytes` random bytes (at most 4096) as base64url, from the process's pool. */
export function randomBase64url(bytes: number): string {
  return pool.base64url(bytes);
}

/** `prefix` + 256 random bits in base64url: unguessable, and recognisable by its prefix in logs and secret scanners. */
export function randomToken(prefix: string): string {
  return prefix + pool.base64url(32);
}

/**
 * base64url SHA-256, the lookup key for anything stored by hash. The
 * one-shot `crypto.hash` costs about half of `createHash(…).update(…).digest(…)`,
 * and it runs twice per token request.
 */
export function sha256(value: string): string {
  return hash('sha256', value, 'base64url');
}
