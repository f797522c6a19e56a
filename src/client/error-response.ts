/**
 * Turning whatever a token endpoint sends on failure into a
 * {@link TokenEndpointError}: RFC 6749 JSON, the same in other key or value
 * casings (seed 002: `{"error":"Invalid_request"}`), nested `{"error":{...}}`
 * objects, form-encoded bodies, HTML or text pages from proxies, and empty
 * bodies.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.2
 * @module
 */
import { TokenEndpointError } from './errors.ts';
import { parseJson } from './lenient-json.ts';
import { redact } from './redact.ts';

/**
 * The code used when a failure response carries no recognisable error code.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.2
 */
export const UNKNOWN_ERROR = 'unknown_error';

/** Longest vendor description kept, so a whole HTML page never lands in a log line. */
const MAX_DESCRIPTION = 300;

/**
 * Normalises an error code to RFC 6749's lowercase snake_case:
 * `Invalid_request` → `invalid_request`, `invalidClient` → `invalid_client`,
 * `INVALID-GRANT` → `invalid_grant`.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.2
 */
export function normaliseErrorCode(code: string): string {
  return code
    .trim()
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .replace(/[\s-]+/g, '_');
}

/**
 * Reads an object's fields ignoring key casing and `_`/`-` separators, so
 * `error_description`, `Error_Description` and `errorDescription` are one key.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.1
 */
export function lenientFields(body: Readonly<Record<string, unknown>>): Map<string, unknown> {
  const fields = new Map<string, unknown>();
  for (const [key, value] of Object.entries(body)) {
    const folded = key.toLowerCase().replace(/[_-]/g, '');
    // The first spelling wins, so an exact RFC key cannot be shadowed by a later variant.
    if (!fields.has(folded)) fields.set(folded, value);
  }
  return fields;
}

/**
 * True for a non-null, non-array object.
 * @see https://www.rfc-editor.org/rfc/rfc8259#section-4
 */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

interface ErrorFields {
  rawError?: string | undefined;
  description?: string | undefined;
  uri?: string | undefined;
}

/**
 * Extracts RFC 6749 §5.2 fields from an object body, tolerating other
 * casings and the `{"error": {"code", "message"}}` shape some APIs use.
 * Answers undefined when the object holds nothing error-like.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.2
 */
export function errorFieldsOf(body: Readonly<Record<string, unknown>>): ErrorFields | undefined {
  const fields = lenientFields(body);
  const error = fields.get('error');
  if (isObject(error)) {
    const inner = lenientFields(error);
    return {
      rawError: firstString(inner, ['code', 'error', 'type', 'status']),
      description: firstString(inner, ['message', 'description', 'errordescription', 'detail']),
      uri: firstString(inner, ['uri', 'erroruri']),
    };
  }
  const found: ErrorFields = {
    rawError: typeof error === 'string' ? error : firstString(fields, ['errorcode', 'code']),
    description: firstString(fields, ['errordescription', 'errormessage', 'message', 'description', 'detail']),
    uri: firstString(fields, ['erroruri']),
  };
  return found.rawError === undefined && found.description === undefined ? undefined : found;
}

function firstString(fields: Map<string, unknown>, keys: readonly string[]): string | undefined {
  for (const key of keys) {
    const value = fields.get(key);
    if (typeof value === 'string' && value.trim() !== '') return value.trim();
  }
  return undefined;
}

/** The readable text of an HTML page: its `<title>` if it has one, else its text without tags. */
function htmlText(html: string): string {
  const title = /<title[^>]*>([\s\S]*?)<\/title>/i.exec(html)?.[1];
  const source = title !== undefined && title.trim() !== '' ? title : html.replace(/<(script|style)[\s\S]*?<\/\1>/gi, ' ');
  return source
    .replace(/<[^>]*>/g, ' ')
    .replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (entity, name: string) => decodeEntity(name) ?? entity);
}

const NAMED_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

// Decoded before redaction, so a secret the page escaped (`a&#43;b`) is still recognised and removed.
function decodeEntity(name: string): string | undefined {
  if (name.startsWith('#')) {
    const code = name[1] === 'x' || name[1] === 'X' ? Number.parseInt(name.slice(2), 16) : Number.parseInt(name.slice(1), 10);
    return Number.isInteger(code) && code >= 0 && code <= 0x10ffff ? String.fromCodePoint(code) : undefined;
  }
  return NAMED_ENTITIES[name.toLowerCase()];
}

function clean(text: string | undefined, secrets: readonly string[]): string | undefined {
  if (text === undefined) return undefined;
  const collapsed = redact(text, secrets).replace(/\s+/g, ' ').trim();
  if (collapsed === '') return undefined;
  return collapsed.length > MAX_DESCRIPTION ? `${collapsed.slice(0, MAX_DESCRIPTION - 1)}…` : collapsed;
}

/**
 * Builds the {@link TokenEndpointError} for a failed response's body text.
 *
 * Whatever the status or Content-Type, the body is tried as JSON first (many
 * vendors label JSON errors `text/html` or `text/plain`), then as a
 * form-encoded `error=...` body, then as HTML or text, whose first
 * {@link MAX_DESCRIPTION} characters become the description. Every string
 * taken from the body is scrubbed of `secrets`.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.2
 */
export function tokenEndpointErrorFrom(
  status: number,
  contentType: string | undefined,
  text: string,
  secrets: readonly string[],
): TokenEndpointError {
  const trimmed = text.trim();
  const json = parseJson(trimmed);
  let found: ErrorFields | undefined = isObject(json) ? errorFieldsOf(json) : undefined;
  if (found === undefined && json === undefined && /^error=/i.test(trimmed)) {
    found = errorFieldsOf(Object.fromEntries(new URLSearchParams(trimmed)));
  }
  if (found === undefined && json === undefined && trimmed !== '') {
    const looksHtml = /html/i.test(contentType ?? '') || /^<(!doctype|html|head|body|\?xml)/i.test(trimmed);
    found = { description: looksHtml ? htmlText(trimmed) : trimmed };
  }
  const rawError = clean(found?.rawError, secrets);
  return new TokenEndpointError({
    error: rawError === undefined ? UNKNOWN_ERROR : normaliseErrorCode(rawError),
    rawError,
    errorDescription: clean(found?.description, secrets),
    errorUri: clean(found?.uri, secrets),
    status,
  });
}
