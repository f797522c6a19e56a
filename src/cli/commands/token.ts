/**
 * `tessera token`: get one access token from Tessera or any vendor's token
 * endpoint and print it. A thin shell over `tessera/client`: flags become
 * `createTokenSource()` options.
 *
 * Secrets (client secret, password, refresh token) are read from environment
 * variables or stdin, never from argv, where `ps` and shell history would show
 * them.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.4
 * @module
 */
import { parseArgs } from 'node:util';
import {
  ClientConfigurationError,
  createTokenSource,
  dialectFromMetadata,
  discover,
  presetByName,
  presets,
  TesseraClientError,
  TokenEndpointError,
  type GrantOptions,
  type Preset,
  type TokenRequestDialect,
} from '../../client/index.ts';
import { nodeTransport } from '../../client/node-transport.ts';
import { EXIT, type CliIo } from '../io.ts';
import { usageErrorFrom, UsageError } from '../usage-error.ts';
import type { CommandSpec } from '../command-spec.ts';

const USAGE = `usage: tessera token (--url URL | --issuer URL) [options]

Prints an access token from an OAuth 2.0 token endpoint.

endpoint:
  --url URL                  token endpoint URL
  --issuer URL               find the token endpoint by RFC 8414 discovery instead
  --preset NAME              vendor dialect: ${Object.keys(presets).join(', ')}
  --auth METHOD              client authentication: basic (RFC 6749 form-encoded),
                             basic-raw (plain id:secret), post (form body),
                             json (JSON body), none
  --method GET|POST          HTTP method (GET sends the body anyway, as some vendors expect)
  --allow-insecure-http      allow plain http to a host other than localhost

client:
  --client-id ID
  --client-secret-env NAME   environment variable holding the secret (default TESSERA_CLIENT_SECRET)
  --client-secret-stdin      read the secret from stdin instead

grant:
  --grant TYPE               client_credentials (default), password, refresh_token
  --username NAME            for the password grant
  --password-env NAME        environment variable holding the password (default TESSERA_PASSWORD)
  --password-stdin           read the password from stdin instead
  --refresh-token-env NAME   environment variable holding the refresh token (default TESSERA_REFRESH_TOKEN)
  --refresh-token-stdin      read the refresh token from stdin instead

request:
  --scope SCOPE              requested scope (space-separated)
  --param NAME=VALUE         extra parameter, repeatable (e.g. --param tenant=example.com)

output:
  --json                     print the whole token response as JSON instead of the token
  -h, --help                 show this help

exit codes: 0 token printed, 1 the endpoint or network failed, 2 usage error
`;

const OPTIONS = {
  url: { type: 'string' },
  issuer: { type: 'string' },
  preset: { type: 'string' },
  auth: { type: 'string' },
  method: { type: 'string' },
  'allow-insecure-http': { type: 'boolean' },
  'client-id': { type: 'string' },
  'client-secret-env': { type: 'string' },
  'client-secret-stdin': { type: 'boolean' },
  grant: { type: 'string' },
  username: { type: 'string' },
  'password-env': { type: 'string' },
  'password-stdin': { type: 'boolean' },
  'refresh-token-env': { type: 'string' },
  'refresh-token-stdin': { type: 'boolean' },
  scope: { type: 'string' },
  param: { type: 'string', multiple: true },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

type Flags = ReturnType<typeof parseFlags>;

const GRANTS = ['client_credentials', 'password', 'refresh_token'] as const;

/** `--auth` values and the dialect fields they set. */
const AUTH_DIALECTS: Record<string, TokenRequestDialect> = {
  basic: { clientAuth: 'client_secret_basic' },
  'basic-raw': { clientAuth: 'client_secret_basic_raw' },
  post: { clientAuth: 'client_secret_post' },
  json: { clientAuth: 'client_secret_post', bodyFormat: 'json' },
  none: { clientAuth: 'none' },
};

export const spec = {
  options: OPTIONS,
  values: { preset: Object.keys(presets), auth: Object.keys(AUTH_DIALECTS), method: ['GET', 'POST'], grant: GRANTS },
} satisfies CommandSpec;

/** Secrets that may never be given as flags, with the flags to use instead. */
const ARGV_SECRETS: Record<string, string> = {
  '--client-secret': '--client-secret-env or --client-secret-stdin',
  '--password': '--password-env or --password-stdin',
  '--refresh-token': '--refresh-token-env or --refresh-token-stdin',
};

/**
 * Runs `tessera token`. Prints the access token and a newline (or, with
 * `--json`, the whole response) and returns 0; on an endpoint or network
 * failure prints `tessera token: <error>: <vendor description>` to stderr and
 * returns 1; on a usage error returns 2.
 * @see docs/client.md#the-tessera-token-command
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.4
 */
export async function run(args: string[], io: CliIo): Promise<number> {
  try {
    const flags = parseFlags(args);
    if (flags.help === true) {
      io.out(USAGE);
      return EXIT.ok;
    }
    const source = createTokenSource(await sourceOptions(flags, io));
    const token = await source.getToken();
    io.out(flags.json === true ? `${JSON.stringify(token.fields, null, 2)}\n` : `${token.accessToken}\n`);
    return EXIT.ok;
  } catch (error) {
    return report(error, io);
  }
}

function report(error: unknown, io: CliIo): number {
  if (error instanceof UsageError || error instanceof ClientConfigurationError) {
    io.err(`tessera token: ${error.message}\nRun 'tessera token --help' for usage.\n`);
    return EXIT.usage;
  }
  if (error instanceof TokenEndpointError) {
    io.err(`tessera token: ${error.error}: ${error.errorDescription ?? `no description (HTTP ${error.status})`}\n`);
    return EXIT.failure;
  }
  if (error instanceof TesseraClientError) {
    io.err(`tessera token: ${error.message}\n`);
    return EXIT.failure;
  }
  // Not an SDK error, so its message was not scrubbed: print only its kind.
  io.err(`tessera token: unexpected ${error instanceof Error ? error.name : 'error'}\n`);
  return EXIT.failure;
}

function parseFlags(args: string[]) {
  for (const arg of args) {
    const name = arg.split('=', 1)[0] ?? arg;
    const instead = ARGV_SECRETS[name];
    if (instead !== undefined) {
      throw new UsageError(`${name} is not accepted: arguments are visible to other users and in shell history; use ${instead}`);
    }
  }
  try {
    return parseArgs({ args, options: OPTIONS, strict: true, allowPositionals: false }).values;
  } catch (error) {
    // Names the option at fault, never the argument, which may be a secret typed in the wrong place.
    throw usageErrorFrom(error, OPTIONS);
  }
}

async function sourceOptions(flags: Flags, io: CliIo) {
  if ((flags.url === undefined) === (flags.issuer === undefined)) throw new UsageError('give exactly one of --url or --issuer');
  const stdinFlags = (['client-secret-stdin', 'password-stdin', 'refresh-token-stdin'] as const).filter((f) => flags[f] === true);
  if (stdinFlags.length > 1) throw new UsageError(`only one secret can come from stdin (got --${stdinFlags.join(', --')})`);

  let preset: Preset | undefined;
  if (flags.preset !== undefined) {
    preset = presetByName(flags.preset);
    if (preset === undefined) throw new UsageError(`unknown preset '${flags.preset}' (known: ${Object.keys(presets).join(', ')})`);
  }
  const authDialect = flags.auth === undefined ? undefined : AUTH_DIALECTS[flags.auth];
  if (flags.auth !== undefined && authDialect === undefined) {
    throw new UsageError(`--auth must be one of ${Object.keys(AUTH_DIALECTS).join(', ')}`);
  }
  const method = flags.method?.toUpperCase();
  if (method !== undefined && method !== 'GET' && method !== 'POST') throw new UsageError('--method must be GET or POST');

  let tokenEndpoint = flags.url;
  let discovered: TokenRequestDialect | undefined;
  if (flags.issuer !== undefined) {
    const metadata = await discover(flags.issuer, { allowInsecureHttp: flags['allow-insecure-http'] });
    tokenEndpoint = metadata.tokenEndpoint;
    discovered = preset === undefined ? dialectFromMetadata(metadata) : undefined;
  }
  const dialect: TokenRequestDialect = { ...discovered, ...authDialect, ...(method === undefined ? {} : { method }) };
  const merged = { ...preset?.dialect, ...dialect };
  const getWithBody = merged.method === 'GET' && (merged.parameterLocation ?? 'body') === 'body';

  const clientId = flags['client-id'];
  const clientAuth = merged.clientAuth ?? 'client_secret_basic';
  let clientSecret: string | undefined;
  if (clientId !== undefined && clientAuth !== 'none') {
    clientSecret = await secret(io, flags['client-secret-stdin'], flags['client-secret-env'], 'TESSERA_CLIENT_SECRET', 'client secret', '--client-secret-env NAME, --client-secret-stdin or --auth none');
  } else if (flags['client-secret-stdin'] === true || flags['client-secret-env'] !== undefined) {
    throw new UsageError(clientId === undefined ? 'a client secret was given without --client-id' : 'a client secret was given but --auth is none');
  }

  return {
    tokenEndpoint: tokenEndpoint ?? '',
    preset,
    dialect,
    clientId,
    clientSecret,
    grant: await grant(flags, io, preset),
    scope: flags.scope,
    params: parseParams(flags.param ?? []),
    allowInsecureHttp: flags['allow-insecure-http'],
    // fetch() cannot send a GET body; node:http can.
    fetch: getWithBody ? nodeTransport : undefined,
  };
}

async function grant(flags: Flags, io: CliIo, preset: Preset | undefined): Promise<GrantOptions> {
  const type = flags.grant ?? preset?.grantType ?? 'client_credentials';
  if (!(GRANTS as readonly string[]).includes(type)) throw new UsageError(`--grant must be one of ${GRANTS.join(', ')}`);
  if (type !== 'password' && (flags.username !== undefined || flags['password-stdin'] === true || flags['password-env'] !== undefined)) {
    throw new UsageError('--username and the password options need --grant password');
  }
  if (type !== 'refresh_token' && (flags['refresh-token-stdin'] === true || flags['refresh-token-env'] !== undefined)) {
    throw new UsageError('the refresh token options need --grant refresh_token');
  }
  if (type === 'password') {
    if (flags.username === undefined) throw new UsageError('the password grant needs --username');
    const password = await secret(io, flags['password-stdin'], flags['password-env'], 'TESSERA_PASSWORD', 'password', '--password-env NAME or --password-stdin');
    return { type, username: flags.username, password };
  }
  if (type === 'refresh_token') {
    const refreshToken = await secret(io, flags['refresh-token-stdin'], flags['refresh-token-env'], 'TESSERA_REFRESH_TOKEN', 'refresh token', '--refresh-token-env NAME or --refresh-token-stdin');
    return { type, refreshToken };
  }
  return { type: 'client_credentials' };
}

/** Reads a secret from stdin (without its final line break) or from the named environment variable. */
async function secret(io: CliIo, fromStdin: boolean | undefined, envName: string | undefined, defaultEnv: string, what: string, hint: string): Promise<string> {
  if (fromStdin === true) {
    const value = (await io.readStdin()).replace(/\r?\n$/, '');
    if (value === '') throw new UsageError(`no ${what} on stdin`);
    return value;
  }
  const name = envName ?? defaultEnv;
  const value = io.env[name];
  if (value === undefined || value === '') {
    throw new UsageError(`no ${what}: environment variable ${name} is not set (use ${hint})`);
  }
  return value;
}

function parseParams(pairs: readonly string[]): Record<string, string> {
  const params: Record<string, string> = {};
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    if (at <= 0) throw new UsageError('--param needs NAME=VALUE');
    params[pair.slice(0, at)] = pair.slice(at + 1);
  }
  return params;
}
