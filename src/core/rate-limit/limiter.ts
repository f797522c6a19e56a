/**
 * The rate limiter: applies a rule's rate to one subject's bucket in the
 * configured store, and turns the bucket's level into what a client is told
 * (remaining requests, seconds until the next one). It counts what it
 * refuses, per rule, for metrics and the periodic log line, and it decides
 * what a store failure means: with `failOpen`, requests pass unchecked while
 * the store is away; without, they are refused with 503. Either way the
 * transition is reported once (`onStoreChange`), never per request, and
 * `stats().store.available` is the health flag.
 *
 * @see https://datatracker.ietf.org/doc/draft-ietf-httpapi-ratelimit-headers/ RateLimit and RateLimit-Policy
 */
import type { Clock } from '../clock.ts';
import { OAuthError } from '../errors.ts';
import type { BucketAnswer, BucketMode, RateLimitStore } from '../ports/rate-limits.ts';
import { RULE_NAMES, type Rate, type RuleName } from './rules.ts';

/** What one check decided, in the terms of the RateLimit fields. */
export interface LimitOutcome {
  rule: RuleName;
  rate: Rate;
  allowed: boolean;
  /** Requests that would still fit now (the `r` of RateLimit). */
  remaining: number;
  /** Whole seconds until one more request fits (the `t` of RateLimit; Retry-After when refused). */
  resetSeconds: number;
  /** True when the store could not be asked and the request passed unchecked (fail open). */
  unchecked?: boolean;
}

/** A refusal: 429 with the RateLimit fields, in whichever format the route answers. */
export class RateLimitedError extends OAuthError {
  readonly outcome: LimitOutcome;

  constructor(outcome: LimitOutcome, headers: Record<string, string>) {
    super('temporarily_unavailable', `Too many requests (${outcome.rule}); retry after ${outcome.resetSeconds} s`, { status: 429, headers });
    this.name = 'RateLimitedError';
    this.outcome = outcome;
  }
}

/** The rate-limit store cannot be asked and the limiter fails closed: 503, never 500. */
export class RateLimitUnavailableError extends OAuthError {
  constructor(detail: string) {
    super('temporarily_unavailable', 'Rate limits cannot be checked right now; retry later', { detail, headers: { 'retry-after': '5' } });
    this.name = 'RateLimitUnavailableError';
  }
}

export interface RateLimiterOptions {
  store: RateLimitStore;
  /** Let requests pass unchecked while the store is away (true), or refuse them with 503 (false). */
  failOpen: boolean;
  /** Told once when the store stops answering and once when it answers again. */
  onStoreChange?: (available: boolean, error?: unknown) => void;
  /** Told of every refusal (the periodic log line counts them). */
  onRefused?: (rule: RuleName) => void;
}

export interface RateLimiterStats {
  /** Requests refused per rule by this process since it started. */
  limited: Record<RuleName, number>;
  /** Checks skipped because the store did not answer (fail open). */
  unchecked: number;
  store: { kind: string; available: boolean; failOpen: boolean };
}

const US = 1_000_000;

/** The bucket key of `subject` under `rule`: the one spelling every store and the admin API use. */
export function bucketKey(rule: RuleName, subject: string): string {
  return `${rule}:${subject}`;
}

/** What a bucket at `levelUs` means for a client (see gcra.ts for the level). */
export function outcomeOf(rule: RuleName, rate: Rate, answer: BucketAnswer): LimitOutcome {
  const windowUs = rate.window * US;
  const intervalUs = Math.max(1, Math.floor(windowUs / rate.limit));
  const room = Math.max(0, windowUs - answer.levelUs);
  const remaining = Math.floor(room / intervalUs);
  // The next request fits once the level has fallen by what is missing for one more interval.
  const nextUs = (remaining + 1) * intervalUs - room;
  return { rule, rate, allowed: answer.allowed, remaining, resetSeconds: Math.max(1, Math.ceil(nextUs / US)) };
}

export class RateLimiter {
  readonly #store: RateLimitStore;
  readonly #options: RateLimiterOptions;
  readonly #limited = Object.fromEntries(RULE_NAMES.map((r) => [r, 0])) as Record<RuleName, number>;
  #unchecked = 0;
  #available = true;

  constructor(options: RateLimiterOptions) {
    this.#store = options.store;
    this.#options = options;
  }

  /** Counts one request of `subject` against `rule` if it fits. */
  take(rule: RuleName, subject: string, rate: Rate): LimitOutcome | Promise<LimitOutcome> {
    return this.#apply(rule, subject, rate, 'take');
  }

  /** Whether one more would fit, counting nothing. */
  peek(rule: RuleName, subject: string, rate: Rate): LimitOutcome | Promise<LimitOutcome> {
    return this.#apply(rule, subject, rate, 'peek');
  }

  /** Counts one that already happened (a failure), fitting or not. Never refuses. */
  charge(rule: RuleName, subject: string, rate: Rate): LimitOutcome | Promise<LimitOutcome> {
    return this.#apply(rule, subject, rate, 'charge');
  }

  /** The state of one bucket, for operators; counts nothing. */
  async inspect(rule: RuleName, subject: string, rate: Rate): Promise<LimitOutcome> {
    return outcomeOf(rule, rate, await this.#operatorCall(() => this.#store.apply(operation(rule, subject, rate, 'peek'))));
  }

  /** Forgets one bucket: its next request finds it full. */
  async reset(rule: RuleName, subject: string): Promise<void> {
    await this.#operatorCall(() => this.#store.reset(bucketKey(rule, subject)));
  }

  /** An operator's call: a store that is away is a 503, whatever the fail mode of requests. */
  async #operatorCall<T>(call: () => T | Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      throw new RateLimitUnavailableError(`${this.#store.kind} rate-limit store: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  stats(): RateLimiterStats {
    return {
      limited: { ...this.#limited },
      unchecked: this.#unchecked,
      store: { kind: this.#store.kind, available: this.#available, failOpen: this.#options.failOpen },
    };
  }

  #apply(rule: RuleName, subject: string, rate: Rate, mode: BucketMode): LimitOutcome | Promise<LimitOutcome> {
    let answer: BucketAnswer | Promise<BucketAnswer>;
    try {
      answer = this.#store.apply(operation(rule, subject, rate, mode));
    } catch (error) {
      return this.#storeFailed(rule, rate, error);
    }
    if (answer instanceof Promise) return answer.then((a) => this.#answered(rule, rate, mode, a), (error: unknown) => this.#storeFailed(rule, rate, error));
    return this.#answered(rule, rate, mode, answer);
  }

  #answered(rule: RuleName, rate: Rate, mode: BucketMode, answer: BucketAnswer): LimitOutcome {
    if (!this.#available) {
      this.#available = true;
      this.#options.onStoreChange?.(true);
    }
    const outcome = outcomeOf(rule, rate, answer);
    if (!outcome.allowed && mode !== 'charge') {
      this.#limited[rule]++;
      this.#options.onRefused?.(rule);
    }
    return outcome;
  }

  #storeFailed(rule: RuleName, rate: Rate, error: unknown): LimitOutcome {
    if (this.#available) {
      this.#available = false;
      this.#options.onStoreChange?.(false, error);
    }
    if (!this.#options.failOpen) throw new RateLimitUnavailableError(`${this.#store.kind} rate-limit store: ${error instanceof Error ? error.message : String(error)}`);
    this.#unchecked++;
    return { rule, rate, allowed: true, remaining: rate.limit, resetSeconds: 1, unchecked: true };
  }
}

function operation(rule: RuleName, subject: string, rate: Rate, mode: BucketMode) {
  const windowUs = rate.window * US;
  return { key: bucketKey(rule, subject), intervalUs: Math.max(1, Math.floor(windowUs / rate.limit)), windowUs, mode };
}
