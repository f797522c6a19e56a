/**
 * argon2id hashing in PHC string format, through `node:crypto` (Node ≥ 24.7).
 * The async form runs in libuv's thread pool, so hashing never blocks the
 * event loop: token requests keep flowing while a password is checked.
 *
 * Parameters default to OWASP's minimum recommendation for argon2id
 * (m = 19 MiB, t = 2, p = 1). Each hash records its own parameters, so raising
 * them later keeps old hashes verifiable.
 *
 * @see https://cheatsheetseries.owasp.org/cheatsheets/Password_Storage_Cheat_Sheet.html#argon2id
 * @see https://github.com/P-H-C/phc-string-format/blob/master/phc-sf-spec.md
 */
import { argon2, randomBytes, timingSafeEqual } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { inSpan } from '../../runtime/tracing.ts';
import { WorkLimiter, type RunOptions, type WorkLimits, type WorkAbandonedError } from './work-limiter.ts';

export interface Argon2idParameters {
  /** Memory in KiB. */
  memory: number;
  /** Iterations. */
  passes: number;
  parallelism: number;
}

export const OWASP_MINIMUM: Argon2idParameters = { memory: 19_456, passes: 2, parallelism: 1 };

const SALT_BYTES = 16;
const TAG_BYTES = 32;
/** Inputs beyond this are refused before hashing: argon2's cost must not be the attacker's to choose. */
export const MAX_ARGON2_INPUT_BYTES = 1024;

/**
 * Default bound on argon2 work: one hash per core, and at most one fewer than
 * libuv's threadpool (but at least one), so a pool thread stays free for JWT
 * signatures, file and DNS work (client-credentials requests never queue
 * behind logins; with `UV_THREADPOOL_SIZE=1` they can). With
 * the OWASP parameters each running hash holds 19 MiB: on the default pool
 * of 4, at most 3 × 19 MiB.
 */
export function defaultArgon2Limits(): WorkLimits {
  const threadpool = Number(process.env.UV_THREADPOOL_SIZE) || 4;
  return { concurrency: Math.max(1, Math.min(availableParallelism(), threadpool - 1)), maxQueued: 64 };
}

/**
 * argon2id hashing and verification bounded by one {@link WorkLimiter}:
 * memory is a per-process resource, so every argon2 computation of a process
 * (password logins, operator-chosen client secrets, hashing in the CLI) goes
 * through the one instance the composition root creates.
 */
export class Argon2id {
  readonly limiter: WorkLimiter;
  readonly #params: Argon2idParameters;

  constructor(limiter: WorkLimiter = new WorkLimiter('argon2', defaultArgon2Limits()), params: Argon2idParameters = OWASP_MINIMUM) {
    this.limiter = limiter;
    this.#params = params;
  }

  /** Hashes `secret` to `$argon2id$v=19$m=…,t=…,p=…$salt$hash`. */
  async hash(secret: string): Promise<string> {
    const message = Buffer.from(secret, 'utf8');
    if (message.length > MAX_ARGON2_INPUT_BYTES) throw new RangeError(`secret longer than ${MAX_ARGON2_INPUT_BYTES} bytes`);
    const salt = randomBytes(SALT_BYTES);
    const p = this.#params;
    const tag = await this.#derive(message, salt, p, TAG_BYTES);
    return `$argon2id$v=19$m=${p.memory},t=${p.passes},p=${p.parallelism}$${b64(salt)}$${b64(tag)}`;
  }

  /**
   * Verifies `secret` against a PHC hash in constant time. Over-long inputs and
   * malformed hashes verify false (after the same work as a real check would
   * cost, where one can be done). `options.abandoned` lets a caller that has
   * gone away give up its place in the queue ({@link WorkAbandonedError}).
   */
  async verify(secret: string, hash: string, options?: RunOptions): Promise<boolean> {
    const parsed = parse(hash);
    if (!parsed) return false;
    const message = Buffer.from(secret, 'utf8');
    if (message.length > MAX_ARGON2_INPUT_BYTES) return false;
    const tag = await this.#derive(message, parsed.salt, parsed.params, parsed.tag.length, options);
    return tag.length === parsed.tag.length && timingSafeEqual(tag, parsed.tag);
  }

  #derive(message: Buffer, salt: Buffer, p: Argon2idParameters, tagLength: number, options?: RunOptions): Promise<Buffer> {
    // The span covers the wait for a slot and the hash itself.
    return inSpan('argon2id', { 'tessera.argon2.memory_kib': p.memory, 'tessera.argon2.passes': p.passes }, () => this.#limited(message, salt, p, tagLength, options));
  }

  #limited(message: Buffer, salt: Buffer, p: Argon2idParameters, tagLength: number, options?: RunOptions): Promise<Buffer> {
    return this.limiter.run(
      () =>
        new Promise((resolve, reject) => {
          argon2(
            'argon2id',
            { message, nonce: salt, memory: p.memory, passes: p.passes, parallelism: p.parallelism, tagLength },
            (error, key) => (error ? reject(error) : resolve(key)),
          );
        }),
      options,
    );
  }
}

interface ParsedHash {
  params: Argon2idParameters;
  salt: Buffer;
  tag: Buffer;
}

const PHC = /^\$argon2id\$v=19\$m=(\d{1,7}),t=(\d{1,3}),p=(\d{1,3})\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/;

export function isArgon2idHash(hash: string): boolean {
  return hash.startsWith('$argon2id$');
}

function parse(hash: string): ParsedHash | undefined {
  const m = PHC.exec(hash);
  if (!m) return undefined;
  return {
    params: { memory: Number(m[1]), passes: Number(m[2]), parallelism: Number(m[3]) },
    salt: Buffer.from(m[4]!, 'base64'),
    tag: Buffer.from(m[5]!, 'base64'),
  };
}

/** PHC uses standard base64 without padding. */
function b64(bytes: Buffer): string {
  return bytes.toString('base64').replace(/=+$/, '');
}
