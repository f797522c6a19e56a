/**
 * The audit trail of management changes. Services record every change they
 * make, whoever asked (CLI or admin API), so the two can never disagree about
 * what is audited. Entries name fields and non-secret values only.
 */
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

  record(context: ChangeContext, tenantId: string | null, action: string, target: string, details: Record<string, unknown> = {}): Promise<void> {
    return this.#store.appendAudit({ at: this.#clock(), actor: context.actor, tenantId, action, target, details });
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
