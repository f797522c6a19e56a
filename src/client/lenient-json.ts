/**
 * JSON parsing that never throws and forgives one common vendor mistake.
 *
 * Seed 001's documented success response ends an object with a trailing comma
 * (`"expires_in":"3599", }`), which `JSON.parse` rejects. When strict parsing
 * fails, commas directly before `}` or `]` (outside strings) are dropped and
 * the text is parsed once more. Nothing else is "repaired": a body that is
 * still not JSON is treated as not JSON.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8259#section-4
 * @module
 */

/**
 * Parses `text` as JSON, tolerating trailing commas; undefined if it is not JSON.
 * @see https://www.rfc-editor.org/rfc/rfc8259#section-4
 */
export function parseJson(text: string): unknown {
  const strict = tryParse(text);
  if (strict !== undefined) return strict;
  const repaired = withoutTrailingCommas(text);
  return repaired === text ? undefined : tryParse(repaired);
}

function tryParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * Removes commas followed only by whitespace and a closing bracket, skipping string contents.
 * @see https://www.rfc-editor.org/rfc/rfc8259#section-4
 */
export function withoutTrailingCommas(text: string): string {
  let out = '';
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charAt(i);
    if (inString) {
      out += c;
      if (c === '\\') out += text.charAt(++i);
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') inString = true;
    if (c === ',') {
      let j = i + 1;
      while (j < text.length && /\s/.test(text.charAt(j))) j++;
      if (text.charAt(j) === '}' || text.charAt(j) === ']') continue;
    }
    out += c;
  }
  return out;
}
