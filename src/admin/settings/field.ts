/**
 * One setting of a managed entity (a client, a tenant, a user), declared once:
 * its JSON Schema (the admin API's request and answer schemas and the OpenAPI
 * document are built from it, and its `x-error` is the message a bad value
 * gets, on the server and in the console), its check (the services run it,
 * whoever calls them), its default, its `tessera` command-line flag and its
 * documentation. A setting added to a declaration reaches all of these.
 */
import type { ClaimMapper, JsonValue } from '../../core/model.ts';
import { unmappableClaim } from '../../core/tokens/claim-mapping.ts';
import { invalid } from '../admin-error.ts';

export type JsonSchema = Record<string, unknown>;

/** How a setting is given on the command line: a flag taking a value, or an on/off switch. */
export interface CliFlag {
  name: string;
  /** `value`: `--name VALUE`, `switch`: `--name` sets true, `--<off>` false. */
  kind: 'value' | 'switch';
  /** What the value looks like in the usage text. */
  hint: string;
  /** The setting from what the flag gave (text for `value`, true for `switch`); the field's check runs after. */
  read(given: string | boolean): unknown;
  /** The flag that sets a switch to false, or clears a nullable value to null. */
  off?: string;
  /** The values a `value` flag accepts, when they are a fixed few (shell completion offers them). */
  choices?: readonly string[];
  /** The flag may be given several times; `read` receives every value. */
  multiple?: boolean;
  /** The command-line words that give `value` (the default: the value as text, a list comma-separated). */
  format?(value: unknown): string[];
}

export interface Field<T> {
  readonly doc: string;
  readonly schema: JsonSchema;
  /** The value a new entity gets when none is given; absent means it must be given. */
  readonly default?: T;
  /** A valid value other than the default (the OpenAPI document shows it; tests set it through every interface). */
  readonly example: T;
  /** Checks a value from the admin API or the CLI; throws an AdminError naming `path`. */
  check(value: unknown, path: string): T;
  readonly flag: CliFlag | undefined;
  /** Further flags that set members inside this setting (at `path` below it), each checked by its own field. */
  readonly memberFlags?: readonly { path: readonly string[]; field: Field<unknown> }[];
}

export type FieldValue<F> = F extends Field<infer T> ? T : never;
export type Fields = Record<string, Field<unknown>>;
export type SettingsOf<D extends Fields> = { -readonly [K in keyof D]: FieldValue<D[K]> };

interface Common {
  doc: string;
  /** The CLI flag's name; omitted: no flag. */
  flag?: string;
}

export function text(o: Common & { pattern: RegExp; explain: string; example: string; default?: string; transform?: (v: string) => string; hint?: string }): Field<string> {
  return {
    doc: o.doc,
    default: o.default,
    example: o.example,
    schema: { type: 'string', pattern: o.pattern.source, 'x-error': o.explain, description: o.doc, examples: [o.example] },
    check(value, path) {
      if (typeof value !== 'string' || !o.pattern.test(value)) throw invalid(path, o.explain);
      return o.transform ? o.transform(value) : value;
    },
    flag: o.flag === undefined ? undefined : { name: o.flag, kind: 'value', hint: o.hint ?? 'TEXT', read: (given) => given },
  };
}

export function integer(o: Common & { min: number; max: number; default?: number; hint?: string }): Field<number> {
  const explain = `must be an integer from ${o.min} to ${o.max}`;
  const example = o.default === o.max ? o.min : o.max;
  return {
    doc: o.doc,
    default: o.default,
    example,
    schema: { type: 'integer', minimum: o.min, maximum: o.max, 'x-error': explain, description: o.doc, examples: [example] },
    check(value, path) {
      if (typeof value !== 'number' || !Number.isInteger(value) || value < o.min || value > o.max) throw invalid(path, explain);
      return value;
    },
    flag: o.flag === undefined ? undefined : { name: o.flag, kind: 'value', hint: o.hint ?? 'N', read: (given) => (/^\d+$/.test(String(given)) ? Number(given) : given) },
  };
}

export function boolean(o: Common & { default?: boolean; off?: string }): Field<boolean> {
  return {
    doc: o.doc,
    default: o.default,
    example: !(o.default ?? false),
    schema: { type: 'boolean', 'x-error': 'must be true or false', description: o.doc },
    check(value, path) {
      if (typeof value !== 'boolean') throw invalid(path, 'must be true or false');
      return value;
    },
    flag: o.flag === undefined ? undefined : { name: o.flag, kind: 'switch', hint: '', read: (given) => given, off: o.off ?? `no-${o.flag}` },
  };
}

export function oneOf<T extends string>(o: Common & { values: readonly T[]; default?: T }): Field<T> {
  const explain = `must be one of ${o.values.join(', ')}`;
  const example = o.values.find((v) => v !== o.default) ?? o.values[0]!;
  return {
    doc: o.doc,
    default: o.default,
    example,
    schema: { type: 'string', enum: [...o.values], 'x-error': explain, description: o.doc, examples: [example] },
    check(value, path) {
      if (typeof value !== 'string' || !o.values.includes(value as T)) throw invalid(path, explain);
      return value as T;
    },
    flag: o.flag === undefined ? undefined : { name: o.flag, kind: 'value', hint: o.values.join('|'), read: (given) => given, choices: o.values },
  };
}

/** A list of distinct items, each checked by `item`; the CLI takes them comma-separated. */
export function list<T>(o: Common & { item: Field<T>; default?: T[]; min?: number; hint?: string }): Field<T[]> {
  const min = o.min ?? 0;
  return {
    doc: o.doc,
    default: o.default,
    example: [o.item.example],
    schema: { type: 'array', items: o.item.schema, ...(min > 0 ? { minItems: min } : {}), 'x-error': `must be a list${min > 0 ? ` of at least ${min}` : ''}`, description: o.doc },
    check(value, path) {
      if (!Array.isArray(value)) throw invalid(path, 'must be a list');
      const items = [...new Set(value.map((v, i) => o.item.check(v, `${path}[${i}]`)))];
      if (items.length < min) throw invalid(path, `must name at least ${min === 1 ? 'one' : min}`);
      return items;
    },
    flag: o.flag === undefined ? undefined : {
      name: o.flag,
      kind: 'value',
      hint: o.hint ?? 'a,b',
      read: (given) => String(given).split(',').map((s) => s.trim()).filter((s) => s !== ''),
    },
  };
}

/** A flag whose value is JSON text; text that does not parse is handed on as is, for the check to refuse. */
function jsonFlag(name: string, hint: string): CliFlag {
  return {
    name,
    kind: 'value',
    hint,
    read(given) {
      try {
        return JSON.parse(String(given));
      } catch {
        return given;
      }
    },
    format: (value) => [JSON.stringify(value)],
  };
}

/** Whether `value` is plain JSON (what a JSON body or JSON.parse gives): no undefined, functions, non-finite numbers or class instances. */
function isJson(value: unknown, depth = 0): value is JsonValue {
  if (depth > 20) return false;
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value);
  if (Array.isArray(value)) return value.every((v) => isJson(v, depth + 1));
  if (typeof value !== 'object' || Object.getPrototypeOf(value) !== Object.prototype) return false;
  return Object.values(value).every((v) => isJson(v, depth + 1));
}

/** Names of attributes, claims and mapped attributes: 1-128 printable characters. */
const NAME = /^[^\u0000-\u001f\u007f]{1,128}$/;
/** Bound on a setting held as JSON, so a record stays a small row. */
const MAX_JSON_BYTES = 16_384;

/**
 * Free-form attributes: an object of names to JSON values (Keycloak's client
 * and user attributes), read by claim mappers. The CLI takes JSON text.
 */
export function attributes(o: Common & { example: Record<string, JsonValue> }): Field<Record<string, JsonValue>> {
  const explain = `must be an object of at most 100 attributes, names of 1-128 printable characters, JSON values, ${MAX_JSON_BYTES} bytes in all`;
  return {
    doc: o.doc,
    default: {},
    example: o.example,
    schema: {
      type: 'object', maxProperties: 100, propertyNames: { pattern: NAME.source }, additionalProperties: true,
      'x-error': explain, description: o.doc, examples: [o.example],
    },
    check(value, path) {
      if (value === null || typeof value !== 'object' || Array.isArray(value) || !isJson(value)) throw invalid(path, explain);
      const names = Object.keys(value);
      if (names.length > 100 || !names.every((n) => NAME.test(n)) || Buffer.byteLength(JSON.stringify(value)) > MAX_JSON_BYTES) throw invalid(path, explain);
      return value as Record<string, JsonValue>;
    },
    flag: o.flag === undefined ? undefined : jsonFlag(o.flag, 'JSON'),
  };
}

const SOURCES = ['value', 'clientAttribute', 'userAttribute'] as const;

/**
 * Claim mappers (after Keycloak's protocol mappers): a list of
 * `{"claim": name, <source>}` where the source is exactly one of `value` (any
 * JSON), `clientAttribute` or `userAttribute` (an attribute name). Reserved
 * claims are refused; `sub` takes a string. The CLI takes JSON text.
 */
export function claimMappers(o: Common & { example: ClaimMapper[] }): Field<ClaimMapper[]> {
  const explain = 'must be a list of at most 50 mappers, each {"claim": name} with one of value, clientAttribute or userAttribute';
  const name = { type: 'string', pattern: NAME.source };
  return {
    doc: o.doc,
    default: [],
    example: o.example,
    schema: {
      type: 'array', maxItems: 50, 'x-error': explain, description: o.doc, examples: [o.example],
      items: {
        type: 'object', required: ['claim'], minProperties: 2, maxProperties: 2, additionalProperties: false, 'x-error': explain,
        properties: { claim: name, value: { description: 'A JSON value the claim always has' }, clientAttribute: name, userAttribute: name },
      },
    },
    check(value, path) {
      if (!Array.isArray(value) || value.length > 50) throw invalid(path, explain);
      const mappers = value.map((mapper: unknown, i): ClaimMapper => {
        const at = `${path}[${i}]`;
        if (mapper === null || typeof mapper !== 'object' || Array.isArray(mapper)) throw invalid(at, explain);
        const { claim, ...rest } = mapper as Record<string, unknown>;
        if (typeof claim !== 'string' || !NAME.test(claim)) throw invalid(`${at}.claim`, 'must be a claim name of 1-128 printable characters');
        const reserved = unmappableClaim(claim);
        if (reserved !== undefined) throw invalid(`${at}.claim`, reserved);
        const sources = Object.keys(rest);
        if (sources.length !== 1 || !(SOURCES as readonly string[]).includes(sources[0]!)) throw invalid(at, `must have exactly one of ${SOURCES.join(', ')}`);
        const source = sources[0] as (typeof SOURCES)[number];
        const given = rest[source];
        if (source === 'value') {
          if (!isJson(given)) throw invalid(`${at}.value`, 'must be a JSON value');
          if (claim === 'sub' && (typeof given !== 'string' || given === '')) throw invalid(`${at}.value`, 'must be a non-empty string for sub');
          return { claim, value: given };
        }
        if (typeof given !== 'string' || !NAME.test(given)) throw invalid(`${at}.${source}`, 'must be an attribute name of 1-128 printable characters');
        return source === 'clientAttribute' ? { claim, clientAttribute: given } : { claim, userAttribute: given };
      });
      if (Buffer.byteLength(JSON.stringify(mappers)) > MAX_JSON_BYTES) throw invalid(path, explain);
      return mappers;
    },
    flag: o.flag === undefined ? undefined : jsonFlag(o.flag, 'JSON'),
  };
}

/** `field`, or null (which a new entity gets when `default` is null); the CLI clears it with `--no-<flag>`. */
export function nullable<T>(field: Field<T>, o: { default?: null; doc?: string } = {}): Field<T | null> {
  const schema = { ...field.schema, type: [field.schema.type as string, 'null'], ...(o.doc ? { description: o.doc } : {}) };
  return {
    doc: o.doc ?? field.doc,
    example: field.example,
    ...('default' in o ? { default: o.default } : field.default === undefined ? {} : { default: field.default }),
    schema,
    check: (value, path) => (value === null ? null : field.check(value, path)),
    flag: field.flag === undefined ? undefined : { ...field.flag, off: `no-${field.flag.name}` },
  };
}

/** A group of settings held as one object; a change merges the members given over the stored ones. */
export function group<D extends Fields>(o: { doc: string; members: D }): Field<Partial<SettingsOf<D>>> & { members: D } {
  return {
    doc: o.doc,
    members: o.members,
    example: Object.fromEntries(Object.entries(o.members).map(([k, f]) => [k, f.example])) as Partial<SettingsOf<D>>,
    schema: {
      type: 'object',
      additionalProperties: false,
      description: o.doc,
      properties: Object.fromEntries(Object.entries(o.members).map(([k, f]) => [k, f.schema])),
    },
    check(value, path) {
      if (value === null || typeof value !== 'object' || Array.isArray(value)) throw invalid(path, 'must be an object');
      return checkSettings(o.members, value as Record<string, unknown>, path);
    },
    flag: undefined,
  };
}

/**
 * Checks the members of `input` that `fields` declares (a member given as
 * undefined counts as absent); refuses any other member. Returns only the
 * members given.
 */
export function checkSettings<D extends Fields>(fields: D, input: Record<string, unknown>, prefix = ''): Partial<SettingsOf<D>> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(input)) {
    if (value === undefined) continue;
    const path = prefix === '' ? key : `${prefix}.${key}`;
    const field = fields[key];
    if (field === undefined) throw invalid(path, 'is not a known setting');
    out[key] = field.check(value, path);
  }
  return out as Partial<SettingsOf<D>>;
}

/** The defaults of `fields` that have one. */
export function defaultsOf<D extends Fields>(fields: D): Partial<SettingsOf<D>> {
  return Object.fromEntries(Object.entries(fields).filter(([, f]) => f.default !== undefined).map(([k, f]) => [k, structuredClone(f.default)])) as Partial<SettingsOf<D>>;
}

/** The JSON Schema properties of `fields`, for an admin API body or answer. */
export function schemaProperties(fields: Fields): Record<string, JsonSchema> {
  return Object.fromEntries(Object.entries(fields).map(([k, f]) => [k, f.schema]));
}

/** Every CLI flag of `fields` and the member it sets, nested groups and member flags included (`path` is the member's path). */
export function flagsOf(fields: Fields, prefix: string[] = []): { flag: CliFlag; path: string[]; field: Field<unknown> }[] {
  return Object.entries(fields).flatMap(([key, field]) => {
    const members = (field as { members?: Fields }).members;
    if (members !== undefined) return flagsOf(members, [...prefix, key]);
    const own = field.flag === undefined ? [] : [{ flag: field.flag, path: [...prefix, key], field }];
    const inner = (field.memberFlags ?? []).flatMap((m) => (m.field.flag === undefined ? [] : [{ flag: m.field.flag, path: [...prefix, key, ...m.path], field: m.field }]));
    return [...own, ...inner];
  });
}
