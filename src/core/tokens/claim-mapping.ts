/**
 * Claim mapping, after Keycloak's protocol mappers: the claims a tenant's and
 * a client's mappers add to a JWT access token, from values set on the
 * mapper, the client's attributes, or the user's attributes. The one payload
 * builder (protocol/jwt-access-token.ts) writes them after the claims RFC 9068
 * and Tessera fix, which no mapper may replace.
 *
 * @see https://www.keycloak.org/docs/latest/server_admin/#_protocol-mappers
 * @see https://www.rfc-editor.org/rfc/rfc9068#section-2.2.1 (authorization servers may add claims)
 */
import { RESERVED_CLAIMS } from '../../protocol/jwt-access-token.ts';
import type { Attributes, ClaimMapper, Client, JsonValue, Tenant } from '../model.ts';

export { RESERVED_CLAIMS } from '../../protocol/jwt-access-token.ts';

/** What the mappers add to a token. */
export interface MappedClaims {
  /** The `sub` a mapper names, when one does and its value is a non-empty string. */
  subject: string | undefined;
  /** Every other mapped claim, in mapper order. */
  claims: Readonly<Record<string, JsonValue>>;
}

export const NO_MAPPED_CLAIMS: MappedClaims = Object.freeze({ subject: undefined, claims: Object.freeze({}) });

/** Why a claim name may not be mapped, or undefined when it may. */
export function unmappableClaim(name: string): string | undefined {
  if (RESERVED_CLAIMS.includes(name)) return `is a claim Tessera sets itself (${RESERVED_CLAIMS.join(', ')} are reserved)`;
  return undefined;
}

/** The value a mapper gives, or undefined when its source has none. */
function valueOf(mapper: ClaimMapper, client: Readonly<Client>, user: { attributes: Attributes } | undefined): JsonValue | undefined {
  if ('value' in mapper) return mapper.value;
  if ('clientAttribute' in mapper) return Object.hasOwn(client.attributes, mapper.clientAttribute) ? client.attributes[mapper.clientAttribute] : undefined;
  return user !== undefined && Object.hasOwn(user.attributes, mapper.userAttribute) ? user.attributes[mapper.userAttribute] : undefined;
}

/**
 * The claims `tenant`'s mappers and then `client`'s add to a token for
 * `user` (absent for client grants); a later mapper of the same claim wins,
 * so a client overrides its tenant.
 */
export function mapClaims(tenant: Readonly<Tenant>, client: Readonly<Client>, user: { attributes: Attributes } | undefined): MappedClaims {
  const mappers = [...tenant.jwt.claims, ...client.claims];
  if (mappers.length === 0) return NO_MAPPED_CLAIMS;
  let subject: string | undefined;
  const claims: Record<string, JsonValue> = {};
  for (const mapper of mappers) {
    if (unmappableClaim(mapper.claim) !== undefined) continue;
    const value = valueOf(mapper, client, user);
    if (value === undefined) continue;
    if (mapper.claim === 'sub') {
      // RFC 7519 §4.1.2: sub is a StringOrURI; a mapped value of another type leaves the subject alone.
      if (typeof value === 'string' && value !== '') subject = value;
    } else {
      claims[mapper.claim] = value;
    }
  }
  return { subject, claims };
}
