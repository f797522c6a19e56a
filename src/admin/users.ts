/**
 * User management, shared by the CLI and the admin API: seed 001's Create
 * User, Get User Data, Update User, Get User Lock State and Clear User Lock
 * State. Passwords come in, are hashed with argon2id and never come out.
 *
 * Changing a password, disabling or deleting a user revokes every token the
 * user holds (any client), so a taken-over account can be shut at once.
 */
import { randomUUID } from 'node:crypto';
import type { Clock } from '../core/clock.ts';
import type { Argon2id } from '../core/crypto/argon2id.ts';
import { lockStatus, type LockStatus } from '../core/login-policy.ts';
import type { User } from '../core/model.ts';
import { hashPassword, MAX_PASSWORD_BYTES, MIN_PASSWORD_LENGTH, passwordFitsBound } from '../core/users/passwords.ts';
import { isValidUsername, normalizeUsername } from '../core/users/usernames.ts';
import type { AuditStore } from '../core/ports/audit.ts';
import type { LockoutStore } from '../core/ports/lockouts.ts';
import type { Page, PageQuery } from '../core/ports/paging.ts';
import type { TenantStore } from '../core/ports/tenants.ts';
import type { TokenRevocation } from '../core/ports/tokens.ts';
import type { UserStore } from '../core/ports/users.ts';
import { AdminError, invalid } from './admin-error.ts';
import { AuditLog, type ChangeContext } from './audit.ts';
import { conflictAsAdminError, requireTenant } from './tenants.ts';
import { checkSettings, defaultsOf } from './settings/field.ts';
import { USER_SETTINGS, type UserSettings } from './settings/user-settings.ts';
import { requireInteger } from './validate.ts';

export interface CreateUserInput extends Partial<UserSettings> {
  tenantId: string;
  username: string;
  password: string;
}

/** What may change; anything omitted stays as it is. */
export interface UpdateUserInput extends Partial<UserSettings> {
  password?: string;
}

/** A user as operators see it: everything but the password hash. */
export type UserView = Omit<User, 'passwordHash'>;

export { DEFAULT_ROLE, PHONE_NUMBER } from './settings/user-settings.ts';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function viewUser(user: Readonly<User>): UserView {
  const { passwordHash: _hash, ...view } = user;
  return view;
}

export class UserService {
  readonly #users: UserStore;
  readonly #lockouts: LockoutStore;
  readonly #tokens: TokenRevocation;
  readonly #tenants: TenantStore;
  readonly #audit: AuditLog;
  readonly #clock: Clock;
  readonly #argon2: Argon2id;

  constructor(store: { users: UserStore; lockouts: LockoutStore; tokens: TokenRevocation; tenants: TenantStore; audit: AuditStore }, clock: Clock, argon2: Argon2id) {
    this.#argon2 = argon2;
    this.#users = store.users;
    this.#lockouts = store.lockouts;
    this.#tokens = store.tokens;
    this.#tenants = store.tenants;
    this.#audit = new AuditLog(store.audit, clock);
    this.#clock = clock;
  }

  async create(input: CreateUserInput, context: ChangeContext): Promise<UserView> {
    await requireTenant(this.#tenants, input.tenantId);
    const now = this.#clock();
    const { tenantId, password, ...given } = input;
    const settings = { ...defaultsOf(USER_SETTINGS), ...checkSettings(USER_SETTINGS, given) } as UserSettings;
    const user: User = { tenantId, id: randomUUID(), ...settings, passwordHash: await checkedHash(this.#argon2, password), createdAt: now, updatedAt: now };
    const view = viewUser(user);
    await conflictAsAdminError(() => this.#users.createUser(user, this.#audit.entry(context, user.tenantId, 'user.create', user.id, auditable(view))));
    return view;
  }

  /** `ref` is the user's id or username. */
  /**
   * One user's data. Reads of personal data (names, phone numbers, accounts)
   * are audited like changes when `context` names who reads: `user.read`,
   * `user.list`, `user.export`.
   */
  async get(tenantId: string, ref: string, context?: ChangeContext): Promise<UserView> {
    const user = await this.#require(tenantId, ref);
    if (context !== undefined) await this.#audit.record(context, tenantId, 'user.read', user.id, { username: user.username });
    return viewUser(user);
  }

  async list(tenantId: string, page: { offset?: number | undefined; limit?: number | undefined } = {}, context?: ChangeContext): Promise<UserView[]> {
    const offset = requireInteger(page.offset ?? 0, 'offset', 0, Number.MAX_SAFE_INTEGER);
    const limit = requireInteger(page.limit ?? 10_000, 'limit', 1, 10_000);
    return (await this.page(tenantId, { offset, limit }, context)).items;
  }

  /** A page of users, optionally only those acting for given accounts. */
  async page(tenantId: string, query: PageQuery, context?: ChangeContext): Promise<Page<UserView>> {
    await requireTenant(this.#tenants, tenantId);
    const page = await this.#users.pageUsers(tenantId, query);
    if (context !== undefined) {
      await this.#audit.record(context, tenantId, 'user.list', tenantId, { offset: query.offset, limit: query.limit, returned: page.items.length, ...(query.accounts === undefined ? {} : { accounts: [...query.accounts] }) });
    }
    return { items: page.items.map(viewUser), total: page.total };
  }

  /** Every user, lazily, for streamed exports (audited as `user.export` when `context` is given, before the first row). */
  async iterate(tenantId: string, context?: ChangeContext): Promise<AsyncIterable<UserView>> {
    await requireTenant(this.#tenants, tenantId);
    if (context !== undefined) await this.#audit.record(context, tenantId, 'user.export', tenantId, { fields: ['username', 'role', 'phoneNumbers', 'accounts', 'enabled'] });
    const users = this.#users;
    return (async function* () {
      for await (const user of users.iterateUsers(tenantId)) yield viewUser(user);
    })();
  }

  async update(tenantId: string, ref: string, input: UpdateUserInput, context: ChangeContext): Promise<UserView> {
    const stored = await this.#require(tenantId, ref);
    const wasEnabled = stored.enabled;
    const { password, ...given } = input;
    const user: User = { ...stored, ...checkSettings(USER_SETTINGS, given), updatedAt: this.#clock() };
    if (password !== undefined) user.passwordHash = await checkedHash(this.#argon2, password);
    const { password: _password, ...changed } = input;
    const entry = this.#audit.entry(context, tenantId, 'user.update', user.id, { ...changed, ...(input.password === undefined ? {} : { password: 'changed' }) });
    if (!(await conflictAsAdminError(() => this.#users.updateUser(user, entry)))) throw notFound(tenantId, ref);
    if (input.password !== undefined || (wasEnabled && !user.enabled)) {
      await this.#tokens.revokeUserTokens(tenantId, user.id, user.updatedAt);
    }
    return viewUser(user);
  }

  async delete(tenantId: string, ref: string, context: ChangeContext): Promise<void> {
    const user = await this.#require(tenantId, ref);
    if (!(await this.#users.deleteUser(tenantId, user.id, this.#audit.entry(context, tenantId, 'user.delete', user.id, { username: user.username })))) {
      throw notFound(tenantId, ref);
    }
    await this.#tokens.revokeUserTokens(tenantId, user.id, this.#clock());
  }

  /** Seed 001's "Get User Lock State". */
  async lockState(tenantId: string, ref: string): Promise<LockStatus> {
    const user = await this.#require(tenantId, ref);
    return lockStatus(await this.#lockouts.getLockState(tenantId, user.id), this.#clock());
  }

  /** Seed 001's "Clear User Lock State": lifts any lock and resets the failure count. */
  async unlock(tenantId: string, ref: string, context: ChangeContext): Promise<LockStatus> {
    const user = await this.#require(tenantId, ref);
    await this.#lockouts.unlock(tenantId, user.id, this.#audit.entry(context, tenantId, 'user.unlock', user.id, { username: user.username }));
    return lockStatus(await this.#lockouts.getLockState(tenantId, user.id), this.#clock());
  }

  async #require(tenantId: string, ref: string): Promise<Readonly<User>> {
    await requireTenant(this.#tenants, tenantId);
    if (typeof ref !== 'string' || ref === '') throw invalid('user', 'must be a user id or username');
    const byId = UUID.test(ref) ? await this.#users.getUser(tenantId, ref.toLowerCase()) : undefined;
    const user = byId ?? (isValidUsername(ref) ? await this.#users.findUserByUsername(tenantId, normalizeUsername(ref)) : undefined);
    if (user === undefined) throw notFound(tenantId, ref);
    return user;
  }

}

/** What the audit log keeps of a new user: no password, of course. */
function auditable(view: UserView): Record<string, unknown> {
  return { username: view.username, role: view.role, phoneNumbers: view.phoneNumbers, accounts: view.accounts, enabled: view.enabled };
}

async function checkedHash(argon2: Argon2id, password: unknown): Promise<string> {
  if (typeof password !== 'string' || [...password].length < MIN_PASSWORD_LENGTH) {
    throw invalid('password', `must have at least ${MIN_PASSWORD_LENGTH} characters`);
  }
  if (!passwordFitsBound(password)) throw invalid('password', `must be at most ${MAX_PASSWORD_BYTES} bytes`);
  return hashPassword(argon2, password);
}

function notFound(tenantId: string, ref: string): AdminError {
  return new AdminError('not_found', `user '${ref}' does not exist in tenant '${tenantId}'`);
}
