/**
 * Which `pg` errors mean "the database is not there right now" and become
 * {@link StoreUnavailableError} (the HTTP layer answers 503 with Retry-After),
 * and which are bugs that must surface as such.
 *
 * @see https://www.postgresql.org/docs/15/errcodes-appendix.html SQLSTATE codes
 */
import { StoreUnavailableError, UnstorableValueError } from '../../core/ports/errors.ts';

/** SQLSTATE of a unique-constraint violation: a duplicate id, a StoreConflictError. */
export const UNIQUE_VIOLATION = '23505';

/** Socket-level failures from Node's net/dns layers while connecting or mid-query. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ECONNABORTED', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN',
]);

/**
 * SQLSTATEs outside class 08 that also mean "not now": the server is shutting
 * down or starting (57P01–57P03), out of connection slots (53300), a statement
 * or lock wait cancelled by timeout under load (57014), or this role/database
 * is refused (28000, 28P01, 3D000) — a configuration problem at start-up, an
 * outage if it appears while serving.
 */
const UNAVAILABLE_SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300', '57014', '28000', '28P01', '3D000']);

/** Messages `pg` and `pg-pool` use for a connection they lost or could not get, or that stopped answering (`query_timeout`), which carry no code. */
const LOST_CONNECTION = /Connection terminated|timeout exceeded when trying to connect|not queryable|connection timeout|Query read timeout/i;

/**
 * SQLSTATEs that refuse a value rather than fail: U+0000 in text (22021) or
 * jsonb (22P05), an index entry too long (54000). The store guard
 * (storable-text.ts) refuses such values first; these are the backstop for
 * any it does not see, so they still answer 400, not 500.
 */
const UNSTORABLE_SQLSTATES = new Set(['22021', '22P05', '54000']);

/** True when `error` says the database is unreachable, restarting, or refused this connection. */
export function isUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (NETWORK_CODES.has(code) || UNAVAILABLE_SQLSTATES.has(code) || /^08[0-9A-Z]{3}$/.test(code)) return true;
  }
  return LOST_CONNECTION.test(error.message);
}

/**
 * Turns an unavailable-database error into {@link StoreUnavailableError},
 * naming the (redacted) database, and a refused value into
 * {@link UnstorableValueError}; returns anything else unchanged.
 */
export function toStoreError(error: unknown, target: string): unknown {
  if (error instanceof Error && UNSTORABLE_SQLSTATES.has((error as { code?: string }).code ?? '')) {
    return new UnstorableValueError(`PostgreSQL refused a value: ${error.message}`);
  }
  if (!isUnavailable(error)) return error;
  return new StoreUnavailableError(`PostgreSQL at ${target} is unavailable: ${describe(error)}`, { cause: error });
}

/** A one-line reason; Node's dual-stack connect failures are AggregateErrors with an empty message. */
function describe(error: unknown): string {
  const e = error as Error & { code?: string; errors?: unknown[] };
  if (e.message) return e.message;
  const inner = e.errors?.find((x): x is Error => x instanceof Error && x.message !== '');
  return inner?.message ?? e.code ?? String(error);
}
