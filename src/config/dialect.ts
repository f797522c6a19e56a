/**
 * Token endpoint dialects: the wire-level leniencies real vendors' APIs need
 * (the seeds in shared/seeds). Strict RFC 6749 is the default; each leniency
 * is a named option an operator turns on for one path.
 */
import { ConfigError } from './setting.ts';

export type BodyFormat = 'form' | 'json';
export type TokenMethod = 'POST' | 'GET';

export interface TokenDialect {
  /** HTTP methods served. GET (with a form body, seed 003) is off by default. */
  methods: TokenMethod[];
  /** Accepted body formats. JSON (seed 004) is off by default. */
  bodyFormats: BodyFormat[];
  /**
   * Decide the body format from the body itself rather than the Content-Type
   * header (seed 003 sends a form body labelled `application/json`).
   */
  ignoreContentType: boolean;
  /** Accept parameters, client credentials included, in the query string. Off by default: URLs end up in logs. */
  queryParameters: boolean;
  /** Whether the `tenant` parameter (seed 001) is required on this path. */
  tenantParameter: 'optional' | 'required';
  /** Spelling of `token_type`; RFC 6750 says it is case-insensitive, some clients disagree (seed 000, 003 use `bearer`). */
  tokenType: 'Bearer' | 'bearer';
  /** `owin` adds seed 003's `.issued`/`.expires` (RFC 1123 dates) and, for user grants, `userName`, `userId`, `role`. */
  responseFields: 'rfc6749' | 'owin';
  /**
   * The one `error_description` of every refused client credential (unknown
   * id, wrong secret, locked client), when a vendor's own wording must be
   * kept (seed 002: `Invalid client_id`); null: RFC 6749's "Client
   * authentication failed". Either way unknown ids and wrong secrets read alike.
   */
  invalidClientDescription: string | null;
}

export const STRICT_DIALECT: TokenDialect = {
  methods: ['POST'],
  bodyFormats: ['form'],
  ignoreContentType: false,
  queryParameters: false,
  tenantParameter: 'optional',
  tokenType: 'Bearer',
  responseFields: 'rfc6749',
  invalidClientDescription: null,
};

/** Named presets; a path picks one and may override single options. */
export const DIALECT_PRESETS: Record<string, TokenDialect> = {
  rfc6749: STRICT_DIALECT,
  /** Seed 004: credentials and grant in a JSON body. */
  json: { ...STRICT_DIALECT, bodyFormats: ['form', 'json'] },
  /** Seed 001: form body that must name its tenant. */
  'tenant-required': { ...STRICT_DIALECT, tenantParameter: 'required' },
  /** Seed 003: ASP.NET OWIN `/Token` style: GET or POST, form body whatever the Content-Type, extra fields. */
  owin: {
    ...STRICT_DIALECT,
    methods: ['GET', 'POST'],
    ignoreContentType: true,
    tokenType: 'bearer',
    responseFields: 'owin',
  },
};

/** One configured token endpoint path: a preset and single options over it. */
export interface TokenEndpointConfig {
  /** URL path, e.g. `/v2/token/`. */
  path: string;
  /** Preset name from DIALECT_PRESETS; default `rfc6749`. */
  dialect?: string | undefined;
  /** Single options overriding the preset. */
  options?: Partial<TokenDialect> | undefined;
}

const OPTION_CHECKS: Record<keyof TokenDialect, (v: unknown) => boolean> = {
  methods: (v) => Array.isArray(v) && v.length > 0 && v.every((m) => m === 'GET' || m === 'POST'),
  bodyFormats: (v) => Array.isArray(v) && v.length > 0 && v.every((f) => f === 'form' || f === 'json'),
  ignoreContentType: (v) => typeof v === 'boolean',
  queryParameters: (v) => typeof v === 'boolean',
  tenantParameter: (v) => v === 'optional' || v === 'required',
  tokenType: (v) => v === 'Bearer' || v === 'bearer',
  responseFields: (v) => v === 'rfc6749' || v === 'owin',
  // RFC 6749 §5.2: error_description is %x20-21 / %x23-5B / %x5D-7E.
  invalidClientDescription: (v) => v === null || (typeof v === 'string' && /^[\x20-\x21\x23-\x5B\x5D-\x7E]{1,200}$/.test(v)),
};

/**
 * The dialect a configured endpoint speaks: its preset with its options
 * applied, every option checked. `key` names the entry in messages.
 * @throws ConfigError naming the option at fault.
 */
export function resolveDialect(endpoint: TokenEndpointConfig, key: string): TokenDialect {
  const preset = DIALECT_PRESETS[endpoint.dialect ?? 'rfc6749'];
  if (preset === undefined) throw new ConfigError(`${key}.dialect`, `must be one of ${Object.keys(DIALECT_PRESETS).join(', ')}`);
  const dialect = { ...preset, ...endpoint.options };
  for (const [name, value] of Object.entries(dialect)) {
    const check = OPTION_CHECKS[name as keyof TokenDialect];
    if (check === undefined) throw new ConfigError(`${key}.options.${name}`, 'is not a known option');
    if (!check(value)) throw new ConfigError(`${key}.options.${name}`, `has an invalid value ${JSON.stringify(value)}`);
  }
  return dialect;
}

/** Reads the `tokenEndpoints` list of a configuration, resolving each dialect so mistakes stop the start. */
export function parseTokenEndpoints(value: unknown, key: string): TokenEndpointConfig[] {
  if (!Array.isArray(value)) throw new ConfigError(key, 'must be an array');
  return value.map((entry, i) => {
    const at = `${key}[${i}]`;
    if (entry === null || typeof entry !== 'object') throw new ConfigError(at, 'must be an object');
    const e = entry as Record<string, unknown>;
    for (const k of Object.keys(e)) if (!['path', 'dialect', 'options'].includes(k)) throw new ConfigError(`${at}.${k}`, 'is not a known key');
    if (typeof e.path !== 'string' || !e.path.startsWith('/')) throw new ConfigError(`${at}.path`, "must be a path starting with '/'");
    if (e.dialect !== undefined && typeof e.dialect !== 'string') throw new ConfigError(`${at}.dialect`, 'must be a string');
    if (e.options !== undefined && (e.options === null || typeof e.options !== 'object')) throw new ConfigError(`${at}.options`, 'must be an object');
    const endpoint = { path: e.path, dialect: e.dialect as string | undefined, options: e.options as Partial<TokenDialect> | undefined };
    resolveDialect(endpoint, at);
    return endpoint;
  });
}
