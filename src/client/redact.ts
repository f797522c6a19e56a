/**
 * Scrubbing secrets out of text that came back from a server.
 *
 * A vendor's error page may echo the request it received (debug pages do), so
 * anything the SDK copies from a response into an error message first passes
 * through {@link redact} with every secret the request carried, in every
 * spelling the request used: raw, form-urlencoded, percent-encoded, JSON-escaped
 * and inside the Basic credential.
 *
 * @module
 */

/**
 * What a redacted secret is replaced with.
 * @see docs/client.md#secrets
 */
export const REDACTED = '[redacted]';

/**
 * Every spelling of `secret` that may appear in a request, and so be echoed:
 * as is, `application/x-www-form-urlencoded`, percent-encoded and JSON-escaped.
 * @see https://www.rfc-editor.org/rfc/rfc6749#appendix-B
 */
export function secretSpellings(secret: string): string[] {
  if (secret === '') return [];
  const spellings = new Set<string>([
    secret,
    new URLSearchParams([['', secret]]).toString().slice(1),
    encodeURIComponent(secret),
    JSON.stringify(secret).slice(1, -1),
  ]);
  return [...spellings];
}

/**
 * Replaces every occurrence of each secret in `text` with {@link REDACTED}.
 * Longer secrets go first so a secret that contains another is removed whole.
 * @see docs/client.md#secrets
 */
export function redact(text: string, secrets: readonly string[]): string {
  const ordered = [...new Set(secrets)].filter((s) => s !== '').sort((a, b) => b.length - a.length);
  let out = text;
  for (const secret of ordered) out = out.split(secret).join(REDACTED);
  return out;
}
