/**
 * What every store getter returns: a value frozen all the way down, which
 * callers share (the read caches hand the same object to every request) and
 * never change; a service that edits a record builds a new one.
 */
/** Freezes `value` and everything it holds. */
export function deepFreeze<T extends object>(value: T): T {
  for (const field of Object.values(value)) {
    if (typeof field === 'object' && field !== null && !Object.isFrozen(field)) deepFreeze(field);
  }
  return Object.freeze(value);
}
