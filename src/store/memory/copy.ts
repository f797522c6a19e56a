/** The memory stores keep copies, never the caller's objects, so they behave like a database. */
export const copy = <T>(value: T): T => structuredClone(value);
