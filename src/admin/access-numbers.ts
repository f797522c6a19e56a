/**
 * A tenant's phone access numbers (seed 001: "Export Access Numbers"),
 * shared by the CLI and the admin API.
 */
import { randomUUID } from 'node:crypto';
import type { Clock } from '../core/clock.ts';
import type { AccessNumber } from '../core/model.ts';
import type { AccessNumberStore } from '../core/ports/access-numbers.ts';
import type { AuditStore } from '../core/ports/audit.ts';
import type { Page, PageQuery } from '../core/ports/paging.ts';
import type { TenantStore } from '../core/ports/tenants.ts';
import { AdminError } from './admin-error.ts';
import { AuditLog, type ChangeContext } from './audit.ts';
import { conflictAsAdminError, requireTenant } from './tenants.ts';
import { requireString } from './validate.ts';

/** ITU-T E.164: `+`, a country code not starting with 0, at most 15 digits in all. */
export const E164 = /^\+[1-9]\d{1,14}$/;

export class AccessNumberService {
  readonly #numbers: AccessNumberStore;
  readonly #tenants: TenantStore;
  readonly #audit: AuditLog;
  readonly #clock: Clock;

  constructor(store: { accessNumbers: AccessNumberStore; tenants: TenantStore; audit: AuditStore }, clock: Clock) {
    this.#numbers = store.accessNumbers;
    this.#tenants = store.tenants;
    this.#audit = new AuditLog(store.audit, clock);
    this.#clock = clock;
  }

  async create(tenantId: string, input: { number: string; label?: string | undefined }, context: ChangeContext): Promise<AccessNumber> {
    await requireTenant(this.#tenants, tenantId);
    const entry: AccessNumber = {
      tenantId,
      id: randomUUID(),
      number: requireString(input.number, 'number', E164, 'must be an E.164 number such as +61280001234'),
      label: input.label === undefined ? '' : requireString(input.label, 'label', /^[^\u0000-\u001f]{0,200}$/, 'must be at most 200 printable characters'),
      createdAt: this.#clock(),
    };
    const audit = this.#audit.entry(context, tenantId, 'access-number.create', entry.id, { number: entry.number, label: entry.label });
    await conflictAsAdminError(() => this.#numbers.createAccessNumber(entry, audit));
    return entry;
  }

  async delete(tenantId: string, id: string, context: ChangeContext): Promise<void> {
    if (!(await this.#numbers.deleteAccessNumber(tenantId, id, this.#audit.entry(context, tenantId, 'access-number.delete', id)))) {
      throw new AdminError('not_found', `access number '${id}' does not exist in tenant '${tenantId}'`);
    }
  }

  async page(tenantId: string, query: PageQuery): Promise<Page<AccessNumber>> {
    await requireTenant(this.#tenants, tenantId);
    return this.#numbers.pageAccessNumbers(tenantId, query);
  }

  /** Every number, lazily, for streamed exports. */
  async iterate(tenantId: string): Promise<AsyncIterable<AccessNumber>> {
    await requireTenant(this.#tenants, tenantId);
    return this.#numbers.iterateAccessNumbers(tenantId);
  }

}
