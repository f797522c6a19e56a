import type { AdminResponse } from '../admin-route.ts';
import { OAUTH_ERROR, PROBLEM } from '../schemas.ts';

/** The error answers every admin route can give, for the OpenAPI document. */
export const ERRORS: Record<number, AdminResponse> = {
  400: { description: 'Invalid request: the problem names the field', schema: PROBLEM },
  401: { description: 'Missing, unknown, expired or revoked Bearer token (RFC 6750)', schema: OAUTH_ERROR },
  403: { description: 'The token lacks the admin scope for this tenant (insufficient_scope)', schema: OAUTH_ERROR },
  404: { description: 'No such object', schema: PROBLEM },
  409: { description: 'Duplicate id, username, host or number', schema: PROBLEM },
  413: { description: 'Request body too large', schema: PROBLEM },
};
