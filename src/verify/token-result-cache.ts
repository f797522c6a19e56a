/**
 * A bounded, time-limited memory of what checking a token gave, shared by the
 * JWT and the introspection verifiers. Tokens are kept only as their SHA-256;
 * each entry lasts until its own instant, and beyond `maxEntries` the oldest
 * goes first. Each caller gets its own copy of a principal, so a handler
 * editing its scope cannot edit the cache.
 */
import { BearerError } from './bearer-error.ts';
import type { Principal } from './principal.ts';

export type VerificationResult = Principal | BearerError;

const encoder = new TextEncoder();

type Hash = (algorithm: string, data: string, encoding: 'base64url') => string;
/**
 * Node's one-shot hash, when the runtime has it (Node, and runtimes that
 * provide its built-ins): synchronous, where Web Crypto's digest is a round
 * trip to a worker thread. Looked up, not imported, so the module loads on
 * any runtime.
 */
const nodeHash = (globalThis as { process?: { getBuiltinModule?: (id: string) => { hash?: Hash } | undefined } }).process?.getBuiltinModule?.('node:crypto')?.hash;

interface Entry {
  until: number;
  result: VerificationResult;
}

export class TokenResultCache {
  readonly #entries = new Map<string, Entry>();
  readonly #maxEntries: number;

  constructor(maxEntries: number) {
    this.#maxEntries = maxEntries;
  }

  /** The key a token is remembered under: its SHA-256, never the token. */
  static async keyOf(token: string): Promise<string> {
    if (nodeHash !== undefined) return nodeHash('sha256', token, 'base64url');
    const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', encoder.encode(token)));
    let key = '';
    for (const byte of digest) key += String.fromCharCode(byte);
    return btoa(key);
  }

  /** What was remembered for `key`, if it is still good at `now`. */
  get(key: string, now: number): VerificationResult | undefined {
    const entry = this.#entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.until > now) return copy(entry.result);
    this.#entries.delete(key);
    return undefined;
  }

  /** Remembers a copy of `result` for `key` until `until` (ms); nothing when `until` is not in the future. */
  set(key: string, result: VerificationResult, until: number, now: number): void {
    if (!(until > now)) return;
    this.#entries.delete(key);
    // A copy: the caller that verified keeps its own principal too.
    this.#entries.set(key, { until, result: copy(result) });
    if (this.#entries.size > this.#maxEntries) this.#entries.delete(this.#entries.keys().next().value!);
  }
}

/** Each caller gets its own principal: a handler editing its scope must not edit the cache. */
export function copy(result: VerificationResult): VerificationResult {
  return result instanceof BearerError ? result : { ...result, scope: [...result.scope], accounts: [...result.accounts] };
}
