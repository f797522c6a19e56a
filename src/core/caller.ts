/**
 * What an endpoint learns about who is calling, told as it learns it. The
 * core knows the client once it authenticated and the user name once a
 * password grant is parsed; whoever guards the door (the HTTP binding's rate
 * limits) may refuse the request right there, by throwing, before the
 * expensive part: no body is parsed twice, and nothing is looked up for a
 * guard that does not care.
 *
 * A report returns nothing when it has nothing to wait for, so the hot path
 * (a client with a generated secret) stays synchronous.
 */
import type { Client, Tenant } from './model.ts';

export type CallerEvent =
  /** The client proved who it is (or is a public client identified by id). */
  | { kind: 'client-authenticated'; tenant: Readonly<Tenant>; client: Readonly<Client> }
  /** An admin API Bearer token was accepted: the client it was issued to is administering. */
  | { kind: 'administrator'; tenantId: string; clientId: string }
  /** A password is about to be checked for this user name (normalised), which costs one argon2id. */
  | { kind: 'login-attempt'; tenant: Readonly<Tenant>; username: string }
  /** A client secret is about to be checked with argon2id (an operator-chosen secret, or an unknown client's stand-in). */
  | { kind: 'secret-check'; tenant: Readonly<Tenant> }
  /** Credentials were refused: a client's id or secret, or a user's name or password. */
  | { kind: 'credentials-refused'; tenant: Readonly<Tenant>; what: 'client' | 'user' };

/** Told of each {@link CallerEvent}; throws (or rejects) to refuse the request. */
export type CallerReport = (event: CallerEvent) => void | Promise<void>;

/** Tells `report` of `event`, awaiting only when there is something to wait for. */
export function tell(report: CallerReport | undefined, event: CallerEvent): void | Promise<void> {
  return report?.(event);
}
