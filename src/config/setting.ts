/**
 * One configuration setting, declared once: its key, type (as a JSON Schema
 * and as the parser every source goes through), default and documentation.
 * The environment variable and the `serve` flag are derived from the key
 * (`keyRefreshSeconds` → `TESSERA_KEY_REFRESH_SECONDS`, `--key-refresh-seconds`)
 * unless the setting names its own or has none; docs/configuration.md's table
 * is generated from the declarations (`npm run docs:settings`), and a test
 * checks it is current.
 */

export type JsonSchema = Record<string, unknown>;

/** A configuration mistake, reported at start-up. */
export class ConfigError extends Error {
  constructor(key: string, reason: string) {
    super(`configuration: ${key} ${reason}`);
    this.name = 'ConfigError';
  }
}

export interface Setting<T> {
  /** What the setting means, one or a few sentences (the docs table's last column). */
  readonly doc: string;
  readonly default: T;
  /** How the default reads in the docs, when the value alone would mislead (a derived default). */
  readonly defaultDoc?: string;
  readonly schema: JsonSchema;
  /** Environment variable; `false` for none. Derived from the key when absent. */
  readonly env?: string | false;
  /** `tessera serve` flag without dashes; `false` for none (structured values live in the file). Derived when absent. */
  readonly flag?: string | false;
  /** Checks and converts a value from any source (environment and flags give strings). */
  parse(value: unknown, key: string): T;
}

export type SettingValue<S> = S extends Setting<infer T> ? T : never;

interface Common {
  doc: string;
  defaultDoc?: string;
  env?: string | false;
  flag?: string | false;
}

export function integerSetting(o: Common & { default: number; min: number; max: number }): Setting<number> {
  return {
    ...o,
    schema: { type: 'integer', minimum: o.min, maximum: o.max },
    parse(value, key) {
      const v = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
      if (typeof v !== 'number' || !Number.isInteger(v) || v < o.min || v > o.max) throw new ConfigError(key, `must be an integer from ${o.min} to ${o.max}`);
      return v;
    },
  };
}

export function stringSetting(o: Common & { default: string; pattern?: RegExp; explain?: string }): Setting<string> {
  return {
    ...o,
    schema: { type: 'string', minLength: 1, ...(o.pattern ? { pattern: o.pattern.source } : {}) },
    parse(value, key) {
      if (typeof value !== 'string' || value === '') throw new ConfigError(key, 'must be a non-empty string');
      if (o.pattern && !o.pattern.test(value)) throw new ConfigError(key, o.explain ?? `must match ${o.pattern.source}`);
      return value;
    },
  };
}

export function booleanSetting(o: Common & { default: boolean }): Setting<boolean> {
  return {
    ...o,
    schema: { type: 'boolean' },
    parse(value, key) {
      if (value === 'true' || value === 'false') return value === 'true';
      if (typeof value !== 'boolean') throw new ConfigError(key, 'must be true or false');
      return value;
    },
  };
}

export function enumSetting<T extends string>(o: Common & { default: T; values: readonly T[] }): Setting<T> {
  return {
    ...o,
    schema: { type: 'string', enum: [...o.values] },
    parse(value, key) {
      if (typeof value !== 'string' || !o.values.includes(value as T)) throw new ConfigError(key, `must be one of ${o.values.join(', ')}`);
      return value as T;
    },
  };
}

/** A setting that may be absent (default: absent), otherwise checked as `setting` checks it. */
export function optional<T>(setting: Setting<T>): Setting<T | undefined> {
  return {
    ...setting,
    default: undefined,
    parse: (value, key) => (value === undefined ? undefined : setting.parse(value, key)),
  };
}

/** An optional http(s) URL, stored without trailing slashes. */
export function urlSetting(o: Common): Setting<string | undefined> {
  return {
    ...o,
    default: undefined,
    schema: { type: 'string', format: 'uri' },
    parse(value, key) {
      if (value === undefined) return undefined;
      if (typeof value !== 'string' || !URL.canParse(value) || !/^https?:$/.test(new URL(value).protocol)) throw new ConfigError(key, 'must be an http(s) URL');
      return value.replace(/\/+$/, '');
    },
  };
}

/** `someKey` → `SOME_KEY`. */
function snake(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase();
}

/** The environment variable that sets `key`, if any. */
export function envName(key: string, setting: Setting<unknown>): string | undefined {
  if (setting.env === false) return undefined;
  return setting.env ?? `TESSERA_${snake(key)}`;
}

/** The `serve` flag (without dashes) that sets `key`, if any. */
export function flagName(key: string, setting: Setting<unknown>): string | undefined {
  if (setting.flag === false) return undefined;
  return setting.flag ?? snake(key).toLowerCase().replaceAll('_', '-');
}
