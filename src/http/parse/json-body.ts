/**
 * JSON token-request bodies (seed 004): an object whose values are strings.
 * Numbers and booleans are refused rather than coerced, so `"expires": 1e3`
 * style surprises cannot happen.
 */
import { OAuthError } from '../../core/errors.ts';
import { addParameter, emptyParameters } from './form.ts';

export function parseJsonParameters(text: string, into: Record<string, string> = emptyParameters()): Record<string, string> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new OAuthError('invalid_request', 'The request body is not valid JSON');
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new OAuthError('invalid_request', 'The JSON request body must be an object');
  }
  for (const [name, field] of Object.entries(value)) {
    if (field === null) continue;
    if (typeof field !== 'string') throw new OAuthError('invalid_request', `Parameter ${name.slice(0, 40)} must be a string`);
    addParameter(into, name, field);
  }
  return into;
}
