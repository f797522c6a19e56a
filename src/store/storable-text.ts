/**
 * Text no store may hold, refused alike by every adapter. PostgreSQL refuses
 * U+0000 in `text` and `jsonb` (SQLSTATE 22021, 22P05) and index entries
 * beyond about 2.7 kB (54000); a lone surrogate is not Unicode, so it has no
 * UTF-8 form and drivers silently replace it, and SQLite or memory would keep
 * what PostgreSQL refuses. Without one rule the same request would find
 * nothing on one store and fail on another.
 *
 * The rule: a lookup by an identifier that could never have been stored finds
 * nothing (`undefined`, `false`, an empty page), so an unauthenticated caller
 * sending `client_id=%00` is an unknown client on every store; a write of such
 * text throws {@link UnstorableValueError}. Only a port's arguments are
 * checked, a few short strings per call: nothing is added per byte of a
 * request, and the token hot path (hashes the server computed) is left alone.
 */
import { UnstorableValueError } from '../core/ports/errors.ts';
import type { Store } from './store.ts';

/** Most UTF-8 bytes of an identifier (id, tenant, username, host): two fit PostgreSQL's btree entry limit with room to spare. */
export const MAX_IDENTIFIER_BYTES = 1024;
/** Most UTF-16 code units of any other text value. */
export const MAX_TEXT_LENGTH = 1024 * 1024;

/** Record fields that are keys of some index, held to {@link MAX_IDENTIFIER_BYTES}. */
const IDENTIFIER_FIELDS = new Set(['id', 'tenantId', 'clientId', 'userId', 'username', 'subject', 'subjectId', 'hash', 'familyId', 'hosts', 'number']);

/** True when `value` is Unicode text without U+0000 (no lone surrogate, so it has a UTF-8 form). */
function isText(value: string): boolean {
  // One pass over the (short) string; only text with a surrogate needs the full check of its pairs.
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c === 0) return false;
    if (c >= 0xd800 && c <= 0xdfff) return value.isWellFormed() && !value.includes('\0');
  }
  return true;
}

/** An identifier a lookup may match: anything else was refused when written, so cannot exist. */
export function isStorableIdentifier(value: string): boolean {
  // Code units bound bytes from below: beyond the limit in units is beyond it in bytes.
  return value.length <= MAX_IDENTIFIER_BYTES && isText(value) && (value.length * 3 <= MAX_IDENTIFIER_BYTES || Buffer.byteLength(value) <= MAX_IDENTIFIER_BYTES);
}

/** Where in `value` (a port argument: string, number, array, plain object) there is text no store holds, or undefined. */
export function unstorablePath(value: unknown, path: string, identifier: boolean): string | undefined {
  if (typeof value === 'string') {
    return (identifier ? isStorableIdentifier(value) : value.length <= MAX_TEXT_LENGTH && isText(value)) ? undefined : path;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = unstorablePath(value[i], `${path}[${i}]`, identifier);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (value instanceof Uint8Array) return undefined;
  for (const key of Object.keys(value)) {
    // A key is text too (attributes and claims are JSON objects).
    if (!isText(key) || key.length > MAX_IDENTIFIER_BYTES) return `${path}.<key>`;
    const found = unstorablePath((value as Record<string, unknown>)[key], `${path}.${key}`, identifier || IDENTIFIER_FIELDS.has(key));
    if (found !== undefined) return found;
  }
  return undefined;
}

/** Most arguments a lookup takes (checked when the wrappers are made). */
const LOOKUP_ARITY = 4;

/** Whether a lookup's argument could have been stored; direct string arguments are identifiers (a tenant, a client id, a username, a host). */
function storable(argument: unknown): boolean {
  if (argument === undefined) return true;
  if (typeof argument === 'string') return isStorableIdentifier(argument);
  return unstorablePath(argument, 'argument', true) === undefined;
}

const EMPTY_PAGE = () => ({ items: [], total: 0 });
async function* nothing(): AsyncIterable<never> {}

/** What each lookup answers for an identifier that cannot exist. */
const READS: { readonly [P in keyof Store]?: Readonly<Record<string, () => unknown>> } = {
  tenants: { getTenant: () => undefined, findTenantByHost: () => undefined },
  clients: { getClient: () => undefined, deleteClient: () => false, listClients: () => [], pageClients: EMPTY_PAGE },
  users: { getUser: () => undefined, findUserByUsername: () => undefined, deleteUser: () => false, pageUsers: EMPTY_PAGE, iterateUsers: nothing },
  accessNumbers: { deleteAccessNumber: () => false, pageAccessNumbers: EMPTY_PAGE, iterateAccessNumbers: nothing },
  audit: { pageAudit: EMPTY_PAGE },
  activity: { readActivity: () => [] },
  keys: { listKeys: () => [] },
};

/** Writes that refuse unstorable text; lockouts are keyed by ids of records that exist, so any text there is refused too. */
const WRITES: { readonly [P in keyof Store]?: readonly string[] } = {
  tenants: ['createTenant', 'updateTenant'],
  clients: ['createClient', 'updateClient'],
  users: ['createUser', 'updateUser'],
  accessNumbers: ['createAccessNumber'],
  audit: ['appendAudit'],
  activity: ['addActivity'],
  keys: ['insertKeyGeneration', 'rotateKey', 'retireKeys', 'deleteRetiredKeys'],
  lockouts: ['getLockState', 'recordFailure', 'lockUntil', 'clearFailures', 'unlock'],
  clientLockouts: ['getLockState', 'recordFailure', 'lockUntil', 'clearFailures', 'unlock'],
};

type Method = (...args: unknown[]) => unknown;

/**
 * Makes `store` answer unstorable text by the one rule above: its ports'
 * lookups and writes are replaced, on the port objects themselves, by checked
 * ones. Every adapter's factory calls this on what it returns.
 */
export function refuseUnstorableText<S extends Store>(store: S): S {
  for (const [port, methods] of Object.entries(READS) as [keyof Store, Record<string, () => unknown>][]) {
    const target = store[port] as unknown as Record<string, Method>;
    for (const [name, miss] of Object.entries(methods)) {
      const original = target[name]!;
      if (original.length > LOOKUP_ARITY) throw new Error(`${String(port)}.${name} takes more than ${LOOKUP_ARITY} arguments`);
      const missed = () => {
        const answer = miss();
        return name.startsWith('iterate') ? answer : Promise.resolve(answer);
      };
      // Fixed parameters rather than a rest array spread again: lookups are on every request's path.
      target[name] = (a?: unknown, b?: unknown, c?: unknown, d?: unknown) =>
        storable(a) && storable(b) && storable(c) && storable(d) ? original.call(target, a, b, c, d) : missed();
    }
  }
  for (const [port, methods] of Object.entries(WRITES) as [keyof Store, readonly string[]][]) {
    const target = store[port] as unknown as Record<string, Method>;
    for (const name of methods) {
      const original = target[name]!.bind(target);
      target[name] = (...args: unknown[]) => {
        for (let i = 0; i < args.length; i++) {
          const at = unstorablePath(args[i], typeof args[i] === 'object' ? 'record' : 'identifier', typeof args[i] === 'string');
          if (at !== undefined) return Promise.reject(new UnstorableValueError(`${name}: ${at} holds U+0000, a lone surrogate, or is too long to store`));
        }
        return original(...args);
      };
    }
  }
  return store;
}
