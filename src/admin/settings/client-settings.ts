/** The settings of a client, declared once (see field.ts). */
import { GRANT_TYPES, type GrantType } from '../../core/model.ts';
import { ACCOUNT, SCOPE_TOKEN } from '../validate.ts';
import { attributes, boolean, claimMappers, integer, list, nullable, oneOf, text, type SettingsOf } from './field.ts';
import { rateLimitField } from './rate-limit-setting.ts';

/** The longest access-token lifetime a client or tenant may set: a year and a day. */
export const MAX_TOKEN_LIFETIME = 366 * 24 * 3600;

export const CLIENT_SETTINGS = {
  name: text({ doc: 'A name for people; the client id when not given', pattern: /^[^\u0000-\u001f\u007f]{1,200}$/, explain: 'must be 1-200 printable characters', example: 'Billing service', flag: 'name', hint: 'NAME' }),
  grantTypes: list<GrantType>({
    doc: 'Grants the client may use',
    item: oneOf({ doc: 'A grant type', values: GRANT_TYPES }),
    min: 1,
    default: ['client_credentials'],
    flag: 'grants',
    hint: GRANT_TYPES.join(','),
  }),
  scopes: list({
    doc: 'Scopes the client may request; an empty list means none',
    item: text({ doc: 'A scope', pattern: SCOPE_TOKEN, explain: 'must be a scope token (RFC 6749 §3.3)', example: 'invoices:read' }),
    default: [],
    flag: 'scopes',
    hint: 's1,s2',
  }),
  accounts: list({
    doc: 'Account numbers (seed 000) the client acts for; carried in its tokens',
    item: text({ doc: 'An account number', pattern: ACCOUNT, explain: 'must be an account number of letters, digits, - or _', example: '20000' }),
    default: [],
    flag: 'accounts',
    hint: '20000,20001',
  }),
  tokenFormat: oneOf({ doc: 'Opaque tokens (introspected) or RFC 9068 JWTs (verified locally)', values: ['opaque', 'jwt'] as const, default: 'opaque', flag: 'format' }),
  accessTokenLifetime: nullable(integer({ doc: '', min: 1, max: MAX_TOKEN_LIFETIME, flag: 'lifetime', hint: 'SECONDS' }), {
    default: null,
    doc: 'Access-token lifetime in seconds; null uses the tenant’s',
  }),
  audience: nullable(text({ doc: '', pattern: /^[\x21-\x7e]{1,500}$/, explain: 'must be 1-500 visible ASCII characters', example: 'https://api.example.com', flag: 'audience', hint: 'AUD' }), {
    default: null,
    doc: 'JWT `aud`; null uses the tenant issuer',
  }),
  singleActiveToken: boolean({ doc: 'Seed 003: a user’s login discards their earlier tokens for this client', default: false, flag: 'single-active-token' }),
  attributes: attributes({ doc: 'Free-form attributes (names to JSON values) that claim mappers can copy into tokens', example: { orgUnit: '0000000001' }, flag: 'attributes' }),
  claims: claimMappers({
    doc: 'Claims the client’s JWTs carry, over the tenant’s: [{"claim": "company", "value": "CST"}, {"claim": "cdOrgUnit", "clientAttribute": "orgUnit"}, {"claim": "sub", "value": "DEYELBOT"}]',
    example: [{ claim: 'cdOrgUnit', clientAttribute: 'orgUnit' }],
    flag: 'claims',
  }),
  enabled: boolean({ doc: 'A disabled client gets no tokens and its tokens stop working', default: true, flag: 'enable', off: 'disable' }),
  rateLimit: rateLimitField('client'),
};

export type ClientSettings = SettingsOf<typeof CLIENT_SETTINGS>;
