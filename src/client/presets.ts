/**
 * Ready-made dialects for the token endpoints Tessera was designed against:
 * the five seed vendors and Tessera itself. Each is named for what it does,
 * with the seed it matches in its description; docs/client.md has the table.
 *
 * @module
 */
import type { TokenRequestDialect } from './dialect.ts';

/**
 * The grants the token source can run.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.3
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.4
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-6
 */
export type GrantType = 'client_credentials' | 'password' | 'refresh_token';

/**
 * A named vendor dialect. Pass it as `preset` to `createTokenSource()`.
 * @see docs/client.md#presets
 */
export interface Preset {
  /** The key in {@link presets}. */
  readonly name: string;
  /** The seed documents it reproduces, e.g. `['000', '002']`; empty for Tessera. */
  readonly seeds: readonly string[];
  /** One line on who talks like this. */
  readonly description: string;
  /** The wire format. Fields set in `createTokenSource({ dialect })` override it one by one. */
  readonly dialect: Readonly<TokenRequestDialect>;
  /** The grant the vendor documents, used when the caller does not name one. */
  readonly grantType: GrantType;
  /** Parameters the vendor requires in every request; missing ones are a configuration error. */
  readonly requiredParams: readonly string[];
}

function preset(p: Preset): Preset {
  return Object.freeze({ ...p, seeds: Object.freeze([...p.seeds]), dialect: Object.freeze({ ...p.dialect }), requiredParams: Object.freeze([...p.requiredParams]) });
}

/**
 * Presets by name.
 *
 * - `basicForm` (seeds 000, 002): POST, form body `grant_type=client_credentials`,
 *   `Authorization: Basic base64(id:secret)` with the id and secret as given
 *   (the vendors document plain Base64 of `username:password`).
 * - `formWithTenant` (seed 001): POST, form body with `client_id`,
 *   `client_secret` and the required `tenant` parameter.
 * - `owinPassword` (seed 003): GET with a form-encoded body of
 *   `grant_type=password&username=...&password=...`, labelled
 *   `Content-Type: application/json` exactly as the vendor's curl sends it,
 *   plus optional plain Basic client authentication. Needs a transport that can
 *   send a GET body (`nodeTransport`).
 * - `jsonBody` (seed 004): POST, JSON body `{client_id, client_secret, grant_type}`.
 * - `tessera`: strict RFC 6749: POST, form body, `client_secret_basic` with
 *   form-encoded id and secret. Use with `discover()`.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-2.3.1
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.4.2
 */
export const presets = Object.freeze({
  basicForm: preset({
    name: 'basicForm',
    seeds: ['000', '002'],
    description: 'POST form, client_credentials, HTTP Basic of the plain id:secret',
    dialect: { method: 'POST', bodyFormat: 'form', parameterLocation: 'body', clientAuth: 'client_secret_basic_raw' },
    grantType: 'client_credentials',
    requiredParams: [],
  }),
  formWithTenant: preset({
    name: 'formWithTenant',
    seeds: ['001'],
    description: 'POST form, client_credentials, client_id/client_secret and tenant in the body',
    dialect: { method: 'POST', bodyFormat: 'form', parameterLocation: 'body', clientAuth: 'client_secret_post' },
    grantType: 'client_credentials',
    requiredParams: ['tenant'],
  }),
  owinPassword: preset({
    name: 'owinPassword',
    seeds: ['003'],
    description: 'GET with a form body labelled application/json, password grant, optional plain Basic client',
    dialect: {
      method: 'GET',
      bodyFormat: 'form',
      parameterLocation: 'body',
      clientAuth: 'client_secret_basic_raw',
      contentType: 'application/json',
    },
    grantType: 'password',
    requiredParams: [],
  }),
  jsonBody: preset({
    name: 'jsonBody',
    seeds: ['004'],
    description: 'POST JSON body with client_id, client_secret and grant_type',
    dialect: { method: 'POST', bodyFormat: 'json', parameterLocation: 'body', clientAuth: 'client_secret_post' },
    grantType: 'client_credentials',
    requiredParams: [],
  }),
  tessera: preset({
    name: 'tessera',
    seeds: [],
    description: 'strict RFC 6749: POST form, client_secret_basic with form-encoded id and secret',
    dialect: { method: 'POST', bodyFormat: 'form', parameterLocation: 'body', clientAuth: 'client_secret_basic' },
    grantType: 'client_credentials',
    requiredParams: [],
  }),
} satisfies Record<string, Preset>);

/**
 * The name of a built-in preset.
 * @see docs/client.md#presets
 */
export type PresetName = keyof typeof presets;

/**
 * Looks up a preset by name, e.g. from a CLI flag; undefined if there is none.
 * @see docs/client.md#presets
 */
export function presetByName(name: string): Preset | undefined {
  return Object.hasOwn(presets, name) ? presets[name as PresetName] : undefined;
}
