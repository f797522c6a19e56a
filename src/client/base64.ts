/**
 * Base64 of UTF-8 text with nothing but `TextEncoder` and `btoa`, which every
 * runtime the SDK targets has (`btoa` alone throws on characters above U+00FF,
 * and `Buffer` exists only on Node).
 *
 * @module
 */

/**
 * Encodes `text` as UTF-8 and then as standard (padded) Base64.
 *
 * @see https://www.rfc-editor.org/rfc/rfc4648#section-4
 */
export function base64EncodeUtf8(text: string): string {
  let binary = '';
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
  return btoa(binary);
}
