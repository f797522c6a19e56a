/**
 * Client authentication for the token, introspection and revocation
 * endpoints, with credential-guessing defences.
 *
 * - **One answer for every refused secret.** An unknown `client_id`, a wrong
 *   secret, a confidential client presenting none and a locked client all
 *   get the same `invalid_client` with the same description, after the same
 *   work: every refused secret costs exactly one argon2id computation
 *   (against a stand-in hash when none was checked), so neither the answer
 *   nor its timing tells a guesser which client ids exist. RFC 6749 §2.2 calls
 *   the id "not a secret", but knowing which ids exist (and which have a
 *   secret a person chose) is what a guesser needs first. A dialect may keep
 *   a vendor's own wording (seed 002's "Invalid client_id"), but it is still
 *   the one wording for all of them.
 * - **Chosen secrets lock.** A client with an operator-chosen secret (argon2id,
 *   guessable) is locked after `secretLockout.maxFailures` failures in a row,
 *   for longer each time, counted in the database (the users' lockout
 *   arithmetic), so every process and instance shares the count. Each guess
 *   is reserved (counted) in the store before its argon2id, so a parallel
 *   burst gets at most `maxFailures` secrets checked per lock. Attempts
 *   during a lock are refused whatever the secret, unchecked and not counted. A secret
 *   that no guesser can produce still works during a lock: a generated one,
 *   or one this process verified a few minutes ago (client-secrets.ts), so a
 *   service under attack keeps its tokens where it already had them.
 * - Whether a known client is disabled is told only after its secret checked
 *   out, so only its holder learns it.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-2.3.1
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-10.10 Credentials-Guessing Attacks
 */
import { addressKey } from '../addresses.ts';
import { tell, type CallerReport } from '../caller.ts';
import { inSpan, tracingEnabled } from '../../runtime/tracing.ts';
import type { Clock } from '../clock.ts';
import type { RunOptions } from '../crypto/work-limiter.ts';
import { OAuthError } from '../errors.ts';
import type { ReservedAttempt } from '../login-policy.ts';
import { reserveGuess } from '../lockout-reservation.ts';
import type { Client, Tenant } from '../model.ts';
import type { ClientReader } from '../ports/clients.ts';
import type { LockoutStore } from '../ports/lockouts.ts';
import { secretLockoutPolicy } from '../rate-limit/policy.ts';
import type { ClientCredentials } from './credentials.ts';
import type { SecretVerifier } from './client-secrets.ts';

export interface ClientAuthenticationDeps {
  clients: ClientReader;
  secrets: SecretVerifier;
  /** Failure counts and locks of clients with chosen secrets (the store's `clientLockouts`). */
  clientLockouts: LockoutStore;
  clock: Clock;
}

/** RFC 6749 §5.2's own wording of `invalid_client`: the one description of every refused client credential. */
export const CLIENT_AUTHENTICATION_FAILED = 'Client authentication failed';

export interface ClientAuthenticationOptions extends Pick<RunOptions, 'abandoned'> {
  /** Told of the checks and their outcome (caller.ts): rate limits refuse by throwing. */
  report?: CallerReport | undefined;
  /** Where the request comes from: the failure's record, and its share of argon2 work. */
  remoteAddress?: string | undefined;
}

/**
 * Authenticates a client inside `tenant`. The client is looked up only within
 * that tenant, so a client of tenant A can never act in tenant B.
 *
 * A public client (RFC 6749 §2.1) is identified by its `client_id` alone. A
 * request with no client credentials at all is attributed to the tenant's
 * `defaultPublicClient` when the operator set one (seed 003's app sends
 * none); otherwise it is refused. Which grants a public client may use is
 * the token endpoint's decision, not this function's.
 */
export function authenticateClient(
  tenant: Tenant,
  credentials: ClientCredentials | undefined,
  deps: ClientAuthenticationDeps,
  options: ClientAuthenticationOptions = {},
): Promise<Client> {
  if (!tracingEnabled()) return authenticate(tenant, credentials, deps, options);
  const attributes = { 'tessera.tenant': tenant.id, 'tessera.client_auth.method': credentials?.method ?? 'none' };
  return inSpan('client authentication', attributes, async (span) => {
    const client = await authenticate(tenant, credentials, deps, options);
    span?.setAttribute('tessera.client_id', client.id);
    return client;
  });
}

async function authenticate(tenant: Tenant, credentials: ClientCredentials | undefined, deps: ClientAuthenticationDeps, options: ClientAuthenticationOptions): Promise<Client> {
  const challenge = basicChallenge(tenant);
  let client: Client;
  try {
    client =
      credentials === undefined
        ? await defaultPublicClient(tenant, deps, challenge)
        : await verifyCredentials(tenant, credentials, deps, challenge, options);
  } catch (error) {
    if (error instanceof OAuthError && error.code === 'invalid_client') await tell(options.report, { kind: 'credentials-refused', tenant, what: 'client' });
    throw error;
  }
  if (!client.enabled) {
    throw new OAuthError('invalid_client', 'Client is disabled', { headers: challenge });
  }
  const reported = tell(options.report, { kind: 'client-authenticated', tenant, client });
  if (reported !== undefined) await reported;
  return client;
}

const challenges = new WeakMap<Tenant, Readonly<Record<string, string>>>();

/**
 * The `WWW-Authenticate` header every `invalid_client` carries (HTTP requires
 * a challenge with a 401). Made once per tenant value, not per request:
 * every authentication prepares it, few are refused.
 */
export function basicChallenge(tenant: Tenant): Readonly<Record<string, string>> {
  let challenge = challenges.get(tenant);
  if (challenge === undefined) {
    challenge = Object.freeze({ 'WWW-Authenticate': `Basic realm="${tenant.id.replace(/["\\]/g, '')}", charset="UTF-8"` });
    challenges.set(tenant, challenge);
  }
  return challenge;
}

async function defaultPublicClient(tenant: Tenant, deps: ClientAuthenticationDeps, challenge: Readonly<Record<string, string>>): Promise<Client> {
  const id = tenant.loginPolicy.defaultPublicClient;
  const client = id === null ? undefined : await deps.clients.getClient(tenant.id, id);
  if (client === undefined || client.clientType !== 'public') {
    throw new OAuthError('invalid_client', 'Client authentication is required', {
      headers: challenge,
      detail: id === null ? undefined : `tenant ${tenant.id}'s defaultPublicClient '${id}' is missing or not public`,
    });
  }
  return client;
}

async function verifyCredentials(
  tenant: Tenant,
  credentials: ClientCredentials,
  deps: ClientAuthenticationDeps,
  challenge: Readonly<Record<string, string>>,
  options: ClientAuthenticationOptions,
): Promise<Client> {
  const now = deps.clock();
  const refuse = (detail: string) =>
    new OAuthError('invalid_client', CLIENT_AUTHENTICATION_FAILED, { headers: challenge, detail });
  const run: RunOptions = {
    abandoned: options.abandoned,
    shares: [`addr:${addressKey(options.remoteAddress)}`, `client:${tenant.id}/${credentials.clientId}`],
  };
  // A guessable secret costs one argon2id to check: the caller's address may first have to show it has not failed too often.
  const beforeArgon2 = () => tell(options.report, { kind: 'secret-check', tenant });
  const candidates = [credentials, ...(credentials.raw ? [{ ...credentials.raw, method: credentials.method }] : [])];
  const policy = secretLockoutPolicy(tenant);
  let hashed = false;
  let failure: OAuthError | undefined;
  for (const candidate of candidates) {
    const client = await deps.clients.getClient(tenant.id, candidate.clientId);
    if (client === undefined) continue;
    if (candidate.clientSecret === undefined) {
      // RFC 6749 §3.2.1: "A client MAY use the "client_id" request parameter to identify itself when sending
      // requests to the token endpoint" — a public client; a confidential one must authenticate.
      if (client.clientType === 'public') return client;
      throw refuse(`confidential client ${client.id} presented no secret`);
    }
    // A guess at a chosen secret is counted in the store before its argon2id, atomically for every process
    // (lockout-reservation.ts): reading the lock first and counting after let a parallel burst have every
    // guess checked while the count lagged. A locked client's guess is not counted and not checked; it is
    // hashed against the stand-in hash, the same work. A secret matched without argon2id (a generated one, a
    // chosen one this process verified recently) is no guess and reserves nothing: only its holder has it.
    // `admit` is asked only before an argon2id of a live chosen secret, so only a client that has one reserves.
    let reservation: ReservedAttempt | undefined;
    const admit = async () => {
      reservation = await reserveGuess(deps.clientLockouts, { tenantId: tenant.id, subjectId: client.id, at: now, address: options.remoteAddress ?? null, policy, abandoned: options.abandoned });
      return reservation.reserved;
    };
    const check = await deps.secrets.check(client.secrets, candidate.clientSecret, now, { ...run, beforeArgon2, admit });
    hashed ||= check.hashed;
    if (check.trusted) return client;
    const reserved: ReservedAttempt | undefined = reservation;
    if (reserved !== undefined && !reserved.reserved) {
      throw refuse(`client ${client.id} is locked until ${new Date(reserved.state.lockedUntil!).toISOString()}; attempt from ${options.remoteAddress ?? 'unknown address'} not checked`);
    }
    if (check.matched) {
      // No second look at the lock: the reservation was refused if a lock was in force at this attempt's
      // time, so a lock found now was begun by later guesses of a burst, and this success, within the
      // policy's guesses when reserved, clears it with the count ("a success resets the count").
      if (reserved !== undefined) await deps.clientLockouts.clearFailures(tenant.id, client.id);
      check.remember();
      return client;
    }
    failure ??= reserved === undefined
      ? refuse(`wrong secret for client ${client.id}`)
      : reserved.lockedUntil === null
        ? refuse(`wrong secret for client ${client.id}: ${reserved.state.failedCount} consecutive failure(s)`)
        : refuse(`client ${client.id} LOCKED until ${new Date(reserved.lockedUntil).toISOString()} after ${reserved.state.failedCount} consecutive failed secrets, the last from ${options.remoteAddress ?? 'unknown address'}`);
  }
  if (!hashed) {
    // Nothing was hashed (an unknown id, a generated secret that did not match): the same work a chosen secret costs.
    await beforeArgon2();
    await deps.secrets.standIn(credentials.clientSecret ?? '', run);
  }
  throw failure ?? refuse(`unknown client '${printable(credentials.clientId)}' in tenant ${tenant.id}`);
}

/** A client id from the wire, for a log line: printable ASCII, bounded. */
function printable(value: string): string {
  const clean = value.replace(/[^\x20-\x7E]/g, '?');
  return clean.length > 64 ? `${clean.slice(0, 64)}...` : clean;
}
