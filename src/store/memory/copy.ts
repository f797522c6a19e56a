import { deepFreeze } from '../read-only-fields.ts';

/** The memory stores keep copies, never the caller's objects, so they behave like a database. */
export const copy = <T>(value: T): T => structuredClone(value);

/** What a memory store hands out: a copy frozen all the way down, as every store's reads are. */
export const frozenCopy = <T extends object>(value: T): T => deepFreeze(structuredClone(value));
