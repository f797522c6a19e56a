/**
 * Web origins (RFC 6454) as browsers send them in the `Origin` header:
 * `scheme://host[:port]`, lowercase host, no default port, no path. The CORS
 * allow-lists (a tenant's `corsOrigins`, the server's) hold origins in this
 * form, so a browser's `Origin` is compared with them as a plain string.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6454#section-6.1
 */

/** The allow-list entry that admits every origin. */
export const ANY_ORIGIN = '*';

/**
 * `value` as an origin in its serialized form, or `*`; undefined when it is
 * not an http(s) origin (a path, query, fragment or user name is refused
 * rather than dropped: `https://app.example/login` is not an origin).
 */
export function parseOrigin(value: string): string | undefined {
  if (value === ANY_ORIGIN) return ANY_ORIGIN;
  if (!URL.canParse(value)) return undefined;
  const url = new URL(value);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  if (url.username !== '' || url.password !== '' || url.search !== '' || url.hash !== '') return undefined;
  if (url.pathname !== '/' || /^[a-z]+:\/\/[^/]+\/./i.test(value)) return undefined;
  return url.origin;
}
