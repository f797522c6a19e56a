/**
 * What the tenant and client getters of every store return: an object of the
 * caller's own, whose fields it may reassign (the admin services do), with
 * its arrays and nested objects frozen. The SQLite store shares those nested
 * values between callers (its read cache parses a row's JSON columns once,
 * not on every token request); the other stores freeze them too, so code
 * that would change a shared value fails in every test, not only on SQLite.
 */
export function freezeNested<T extends object>(value: T): T {
  for (const field of Object.values(value)) {
    if (typeof field === 'object' && field !== null) deepFreeze(field);
  }
  return value;
}

/** Freezes `value` and everything it holds. */
export function deepFreeze<T extends object>(value: T): T {
  for (const field of Object.values(value)) {
    if (typeof field === 'object' && field !== null && !Object.isFrozen(field)) deepFreeze(field);
  }
  return Object.freeze(value);
}
