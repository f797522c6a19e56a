/**
 * The two failures every storage port may report besides a bug: a write that
 * collides with an existing row, and a database that is not there right now.
 * The core and the bindings decide what each means to a caller (409, 503).
 */

/** A write collided with an existing row (duplicate id). The admin layer answers 409. */
export class StoreConflictError extends Error {
  constructor(what: string) {
    super(`${what} already exists`);
    this.name = 'StoreConflictError';
  }
}

/** The database cannot be reached or answered with an outage. HTTP answers 503. */
export class StoreUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreUnavailableError';
  }
}

/**
 * A value no store may hold: text with U+0000, a lone surrogate (not Unicode
 * text, so not UTF-8), or longer than a store's limit. PostgreSQL refuses
 * such text where SQLite and memory would keep it or change it; every store
 * refuses it alike so the same input gets the same answer everywhere. A
 * lookup by such an identifier finds nothing instead (it cannot exist), so
 * this reaches callers only from writes. HTTP answers 400.
 */
export class UnstorableValueError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnstorableValueError';
  }
}
