/**
 * The audit trail of management changes. Services audit every change they
 * make, whoever asked (CLI or admin API), so the two can never disagree about
 * what is audited. Entries name fields and non-secret values only.
 *
 * A change stored in the database is audited by the store write that makes
 * it: the service builds the entry ({@link AuditLog.entry}) and passes it to
 * the write, which appends it in the same transaction, so no change is stored
 * without its entry. What changes nothing in the database (a read of personal
 * data, a rate-limit reset) is appended on its own ({@link AuditLog.record}).
 */
import type { AuditEntry } from '../core/model.ts';
import { userInfo } from 'node:os';
import type { Clock } from '../core/clock.ts';
import type { AuditStore } from '../core/ports/audit.ts';

/** Who is making a change; every mutating service method takes one. */
export interface ChangeContext {
  /** `client:<tenant>/<client id>` (admin API) or `cli:<os user>` (CLI). */
  actor: string;
}

export class AuditLog {
  readonly #store: AuditStore;
  readonly #clock: Clock;

  constructor(store: AuditStore, clock: Clock) {
    this.#store = store;
    this.#clock = clock;
  }

  /** The entry a store write appends with the change it records. */
  entry(context: ChangeContext, tenantId: string | null, action: string, target: string, details: Record<string, unknown> = {}): AuditEntry {
    return { at: this.#clock(), actor: context.actor, tenantId, action, target, details };
  }

  /** Appends an entry on its own: only for what changes nothing in the database (audited reads, rate-limit resets). */
  record(context: ChangeContext, tenantId: string | null, action: string, target: string, details: Record<string, unknown> = {}): Promise<void> {
    return this.#store.appendAudit(this.entry(context, tenantId, action, target, details));
  }
}

/** The actor for changes made from this machine's command line. */
export function cliContext(): ChangeContext {
  let user = 'unknown';
  try {
    user = userInfo().username;
  } catch {
    // No passwd entry (some containers): the change is still audited, as 'unknown'.
  }
  return { actor: `cli:${user}` };
}
