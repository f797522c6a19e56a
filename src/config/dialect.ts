/**
 * Token endpoint dialects: the wire-level leniencies real vendors' APIs need
 * (the seeds in shared/seeds). Strict RFC 6749 is the default; each leniency
 * is a named option an operator turns on for one path.
 */
import { OAUTH_ERROR_CODES, type OAuthErrorCode } from '../core/errors.ts';
import { ConfigError } from './setting.ts';

export type BodyFormat = 'form' | 'json';
export type TokenMethod = 'POST' | 'GET';

/**
 * How one OAuth error code is written on a path, when a vendor writes it its
 * own way (seed 002: `{"error_description":"Invalid client_id","error":"Invalid_request"}`).
 * Applied to the classified failure when the answer is written, so every
 * failure of that code on the path reads the same, whatever caused it.
 */
export interface ErrorRewrite {
  /** The `error` member as the vendor spells it. */
  error?: string;
  /** The HTTP status; a 401's `WWW-Authenticate` challenge is left out under any other status. */
  status?: number;
  /** The `error_description`, the same for every failure of this code. */
  description?: string;
}

/** The members of a path's dialect that say how its error answers are written. */
export interface OAuthErrorDialect {
  errors: Readonly<Partial<Record<OAuthErrorCode, ErrorRewrite>>>;
  errorFieldOrder: 'error-first' | 'description-first';
}

export interface TokenDialect extends OAuthErrorDialect {
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
  /** The JSON type of `expires_in`: RFC 6749 §5.1's number, or the string seed 001 shows (`"3599"`). */
  expiresInType: 'number' | 'string';
  /**
   * The value of `expires_in`: the lifetime, or the lifetime less one second,
   * as ASP.NET OWIN (seed 003: `1209599` for 14 days) and seed 001 (`3599`)
   * report it. The token itself lives the full lifetime either way.
   */
  expiresInValue: 'lifetime' | 'lifetime-minus-one';
  /** `insensitive` matches the path in any letter case, as OWIN does (seed 003: `/token`, `/TOKEN`). */
  pathCase: 'sensitive' | 'insensitive';
}

export const STRICT_DIALECT: TokenDialect = {
  methods: ['POST'],
  bodyFormats: ['form'],
  ignoreContentType: false,
  queryParameters: false,
  tenantParameter: 'optional',
  tokenType: 'Bearer',
  responseFields: 'rfc6749',
  expiresInType: 'number',
  expiresInValue: 'lifetime',
  pathCase: 'sensitive',
  errors: {},
  errorFieldOrder: 'error-first',
};

/** Named presets; a path picks one and may override single options. */
export const DIALECT_PRESETS: Record<string, TokenDialect> = {
  rfc6749: STRICT_DIALECT,
  /** Seed 004: credentials and grant in a JSON body. */
  json: { ...STRICT_DIALECT, bodyFormats: ['form', 'json'] },
  /** Seed 001: form body that must name its tenant. */
  'tenant-required': { ...STRICT_DIALECT, tenantParameter: 'required' },
  /**
   * Seed 003: ASP.NET OWIN `/Token` style: GET or POST, form body whatever the
   * Content-Type, extra fields, `expires_in` one second short, any letter case.
   */
  owin: {
    ...STRICT_DIALECT,
    methods: ['GET', 'POST'],
    ignoreContentType: true,
    tokenType: 'bearer',
    responseFields: 'owin',
    expiresInValue: 'lifetime-minus-one',
    pathCase: 'insensitive',
  },
};

/** One configured token endpoint path: a preset and single options over it. */
export interface TokenEndpointConfig {
  /** URL path, e.g. `/v2/token/`. */
  path: string;
  /**
   * The tenant every request to this path is for, when the path stands for one
   * vendor's API (seed 002's clients name no tenant and may call any host).
   * Default: the `tenant` parameter, the Host header, then the default tenant.
   */
  tenant?: string | undefined;
  /** Preset name from DIALECT_PRESETS; default `rfc6749`. */
  dialect?: string | undefined;
  /** Single options overriding the preset. */
  options?: Partial<TokenDialect> | undefined;
}

/** RFC 6749 §5.2: `error` and `error_description` "MUST NOT include characters outside the set %x20-21 / %x23-5B / %x5D-7E". */
const ERROR_TEXT = /^[\x20-\x21\x23-\x5B\x5D-\x7E]+$/;
const REWRITE_MEMBERS = ['error', 'status', 'description'];

/** What is wrong with an `errors` option (`at` is the member at fault, after `errors`), or undefined. */
function errorsProblem(v: unknown): { at: string; reason: string } | undefined {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return { at: '', reason: 'must be an object keyed by OAuth error codes' };
  for (const [code, rewrite] of Object.entries(v)) {
    if (!(OAUTH_ERROR_CODES as readonly string[]).includes(code)) return { at: `.${code}`, reason: `is not one of ${OAUTH_ERROR_CODES.join(', ')}` };
    if (rewrite === null || typeof rewrite !== 'object' || Array.isArray(rewrite)) return { at: `.${code}`, reason: 'must be an object with error, status or description' };
    for (const [member, value] of Object.entries(rewrite)) {
      const at = `.${code}.${member}`;
      if (!REWRITE_MEMBERS.includes(member)) return { at, reason: `is not one of ${REWRITE_MEMBERS.join(', ')}` };
      if (member === 'status') {
        if (!(Number.isInteger(value) && (value as number) >= 400 && (value as number) <= 599)) return { at, reason: 'must be an HTTP status from 400 to 599' };
      } else if (!(typeof value === 'string' && value.length <= 200 && ERROR_TEXT.test(value))) {
        return { at, reason: 'must be 1-200 printable ASCII characters without " or \\ (RFC 6749 §5.2)' };
      }
    }
  }
  return undefined;
}

const OPTION_CHECKS: Record<keyof TokenDialect, (v: unknown) => boolean> = {
  methods: (v) => Array.isArray(v) && v.length > 0 && v.every((m) => m === 'GET' || m === 'POST'),
  bodyFormats: (v) => Array.isArray(v) && v.length > 0 && v.every((f) => f === 'form' || f === 'json'),
  ignoreContentType: (v) => typeof v === 'boolean',
  queryParameters: (v) => typeof v === 'boolean',
  tenantParameter: (v) => v === 'optional' || v === 'required',
  tokenType: (v) => v === 'Bearer' || v === 'bearer',
  responseFields: (v) => v === 'rfc6749' || v === 'owin',
  expiresInType: (v) => v === 'number' || v === 'string',
  expiresInValue: (v) => v === 'lifetime' || v === 'lifetime-minus-one',
  pathCase: (v) => v === 'sensitive' || v === 'insensitive',
  errors: (v) => errorsProblem(v) === undefined,
  errorFieldOrder: (v) => v === 'error-first' || v === 'description-first',
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
    const problem = name === 'errors' ? errorsProblem(value) : undefined;
    if (problem !== undefined) throw new ConfigError(`${key}.options.errors${problem.at}`, problem.reason);
    if (!check(value)) throw new ConfigError(`${key}.options.${name}`, `has an invalid value ${JSON.stringify(value)}`);
  }
  return dialect;
}

/** Reads the `tokenEndpoints` list of a configuration, resolving each dialect so mistakes stop the start. */
export function parseTokenEndpoints(value: unknown, key: string): TokenEndpointConfig[] {
  if (!Array.isArray(value)) throw new ConfigError(key, 'must be an array');
  const endpoints = value.map((entry, i) => {
    const at = `${key}[${i}]`;
    if (entry === null || typeof entry !== 'object') throw new ConfigError(at, 'must be an object');
    const e = entry as Record<string, unknown>;
    for (const k of Object.keys(e)) if (!['path', 'tenant', 'dialect', 'options'].includes(k)) throw new ConfigError(`${at}.${k}`, 'is not a known key');
    if (typeof e.path !== 'string' || !e.path.startsWith('/')) throw new ConfigError(`${at}.path`, "must be a path starting with '/'");
    if (e.dialect !== undefined && typeof e.dialect !== 'string') throw new ConfigError(`${at}.dialect`, 'must be a string');
    if (e.tenant !== undefined && (typeof e.tenant !== 'string' || e.tenant === '')) throw new ConfigError(`${at}.tenant`, 'must be a tenant id');
    if (e.options !== undefined && (e.options === null || typeof e.options !== 'object')) throw new ConfigError(`${at}.options`, 'must be an object');
    const endpoint = { path: e.path, tenant: e.tenant as string | undefined, dialect: e.dialect as string | undefined, options: e.options as Partial<TokenDialect> | undefined };
    resolveDialect(endpoint, at);
    return endpoint;
  });
  // Two paths that match the same request in any letter case would make the match depend on their order.
  const insensitive = new Map<string, number>();
  endpoints.forEach((endpoint, i) => {
    if (resolveDialect(endpoint, `${key}[${i}]`).pathCase !== 'insensitive') return;
    const folded = endpoint.path.toLowerCase().replace(/\/$/, '');
    const other = insensitive.get(folded);
    if (other !== undefined) throw new ConfigError(`${key}[${i}].path`, `matches the same requests as ${key}[${other}].path in some letter case`);
    insensitive.set(folded, i);
  });
  return endpoints;
}
