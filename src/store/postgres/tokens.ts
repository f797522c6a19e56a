import type { TokenRecord } from '../../core/model.ts';
import { StoreUnavailableError } from '../../core/ports/errors.ts';
import { deepFreeze } from '../read-only-fields.ts';
import type { RefreshTokenUse, TokenStore } from '../../core/ports/tokens.ts';
import { eventLoopTurn, type Turn } from '../../runtime/turn.ts';
import { statement, type PostgresDatabase, type Statement } from './database.ts';
import { mapRow, TOKEN_COLUMNS, type Row } from './rows.ts';
import type { PostgresTokenCache } from './token-cache.ts';

const INSERT = statement('tokens.insert', `INSERT INTO tokens (${TOKEN_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`);
const GET = statement('tokens.get', `SELECT ${TOKEN_COLUMNS} FROM tokens WHERE hash = $1`);
const REVOKE = statement('tokens.revoke', 'UPDATE tokens SET revoked_at = $2 WHERE hash = $1 AND revoked_at IS NULL');
const REVOKE_FAMILY = statement('tokens.revoke-family', 'UPDATE tokens SET revoked_at = $2 WHERE family_id = $1 AND revoked_at IS NULL');
// IS DISTINCT FROM (not <>) so tokens without a family are revoked too.
const REVOKE_SUBJECT = statement('tokens.revoke-subject', `UPDATE tokens SET revoked_at = $4
  WHERE tenant_id = $1 AND client_id = $2 AND subject = $3 AND revoked_at IS NULL AND ($5::text IS NULL OR family_id IS DISTINCT FROM $5)
    AND (username IS NOT NULL OR subject <> client_id)`);
const REVOKE_USER = statement('tokens.revoke-user',
  'UPDATE tokens SET revoked_at = $3 WHERE tenant_id = $1 AND subject = $2 AND username IS NOT NULL AND revoked_at IS NULL');
// The families the two statements above would touch, in one order for every caller (see #revokingFamilies).
const SUBJECT_FAMILIES = statement('tokens.subject-families', `SELECT DISTINCT family_id FROM tokens
  WHERE tenant_id = $1 AND client_id = $2 AND subject = $3 AND revoked_at IS NULL AND family_id IS NOT NULL
    AND ($4::text IS NULL OR family_id <> $4) ORDER BY family_id`);
const USER_FAMILIES = statement('tokens.user-families', `SELECT DISTINCT family_id FROM tokens
  WHERE tenant_id = $1 AND subject = $2 AND username IS NOT NULL AND revoked_at IS NULL AND family_id IS NOT NULL ORDER BY family_id`);
// One statement: of several requests presenting the same token, exactly one sees a row come back
// (the row lock makes the others re-check revoked_at after the winner commits).
const CONSUME = statement('tokens.consume', `UPDATE tokens SET revoked_at = $2, used_at = $2
  WHERE hash = $1 AND kind = 'refresh' AND revoked_at IS NULL RETURNING ${TOKEN_COLUMNS}`);
const FAMILY_OF = statement('tokens.family-of', 'SELECT family_id FROM tokens WHERE hash = $1');
// One lock per family for the length of a transaction: the steps that revoke a family's tokens or replace
// its refresh token run one after another across every connection and instance, so a step never misses a
// token another step is inserting (READ COMMITTED statements do not see rows committed after they start).
const LOCK_FAMILY = statement('tokens.lock-family', "SELECT pg_advisory_xact_lock(hashtextextended('tessera.token-family:' || $1, 0))");
const REVOKED_AT = statement('tokens.revoked-at', 'SELECT revoked_at FROM tokens WHERE hash = $1');
const GET_WITH_USE = statement('tokens.get-with-use', `SELECT ${TOKEN_COLUMNS}, used_at FROM tokens WHERE hash = $1`);
// SKIP LOCKED: purgers on several instances take disjoint batches instead of
// queueing behind each other, and a row being revoked right now is left for
// the next run rather than waited for.
const PURGE = statement('tokens.purge', `DELETE FROM tokens WHERE hash IN (
  SELECT hash FROM tokens WHERE expires_at < $1 ORDER BY expires_at LIMIT $2 FOR UPDATE SKIP LOCKED)`);

/** Rows per multi-row INSERT (12 parameters each; PostgreSQL allows 65,535 per statement). */
const MAX_BATCH = 500;

interface PendingSave {
  record: TokenRecord;
  resolve: () => void;
  reject: (error: unknown) => void;
}

const valuesOf = (r: TokenRecord) => [
  r.hash, r.kind, r.tenantId, r.clientId, r.subject, r.scope, r.accounts, r.issuedAt, r.expiresAt, r.revokedAt, r.familyId, r.username,
];

/**
 * Token records in PostgreSQL, inserted in batches.
 *
 * Each insert was a round trip and a statement of its own, most of a token
 * request's database cost. `saveToken` queues the record, and the records
 * queued in one event-loop turn go in one multi-row INSERT (the batching
 * SQLite's group commit does, sqlite/tokens.ts), in the `commit` phase of the
 * turn's end (runtime/turn.ts). Each caller's promise
 * settles only once its row is committed: a token is never handed out before
 * it is stored. When a batch fails for a reason of its own rows (a duplicate
 * key), its rows are inserted one by one so that only the offending caller
 * fails; when the database is away, every caller of the batch fails.
 *
 * Every other operation first waits for the queued and in-flight inserts, so
 * reads and revocations see the store in call order (a revocation issued
 * after a save includes it).
 */
export class PostgresTokenStore implements TokenStore {
  readonly #db: PostgresDatabase;
  #pending: PendingSave[] = [];
  readonly #inFlight = new Set<Promise<void>>();
  readonly #turn: Turn;
  readonly #flushQueued = () => this.#flush();
  readonly #cache: PostgresTokenCache | undefined;

  /** @param cache optional records kept between changes (token-cache.ts) */
  constructor(db: PostgresDatabase, cache?: PostgresTokenCache, turn: Turn = eventLoopTurn) {
    this.#db = db;
    this.#cache = cache;
    this.#turn = turn;
  }

  /** Runs a write that may change token records, with the cached ones dropped around it. */
  #changing<T>(write: () => Promise<T>): Promise<T> {
    return this.#cache ? this.#cache.writing(write) : write();
  }

  saveToken(record: TokenRecord): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.#pending.push({ record, resolve, reject }) === 1) this.#turn.atEnd('commit', this.#flushQueued);
    });
  }

  /** Sends the queued records now, and resolves once every insert sent so far has settled. */
  async settle(): Promise<void> {
    this.#flush();
    if (this.#inFlight.size > 0) await Promise.allSettled([...this.#inFlight]);
  }

  #flush(): void {
    while (this.#pending.length > 0) {
      const batch = this.#pending.splice(0, MAX_BATCH);
      const sent = this.#insert(batch).finally(() => this.#inFlight.delete(sent));
      this.#inFlight.add(sent);
    }
  }

  async #insert(batch: PendingSave[]): Promise<void> {
    try {
      if (batch.length === 1) await this.#db.query(INSERT, valuesOf(batch[0]!.record));
      else await this.#db.query(batchInsert(batch.length), batch.flatMap((p) => valuesOf(p.record)));
      for (const p of batch) p.resolve();
      return;
    } catch (error) {
      if (batch.length === 1 || error instanceof StoreUnavailableError) {
        for (const p of batch) p.reject(error);
        return;
      }
    }
    // One row spoiled the statement: each row on its own, so only that caller fails.
    await Promise.all(
      batch.map(async (p) => {
        try {
          await this.#db.query(INSERT, valuesOf(p.record));
          p.resolve();
        } catch (error) {
          p.reject(error);
        }
      }),
    );
  }

  async findToken(hash: string): Promise<TokenRecord | undefined> {
    await this.settle();
    const load = async () => {
      const row = (await this.#db.query<Row>(GET, [hash])).rows[0];
      return row && deepFreeze(mapRow.token(row));
    };
    return this.#cache ? this.#cache.get(hash, load) : load();
  }

  async revokeToken(hash: string, at: number): Promise<boolean> {
    await this.settle();
    return this.#changing(async () => ((await this.#db.query(REVOKE, [hash, at])).rowCount ?? 0) > 0);
  }

  async revokeFamily(familyId: string, at: number, replacement?: TokenRecord): Promise<number> {
    await this.settle();
    return this.#changing(() =>
      this.#db.transaction(async (tx) => {
        await tx.query(LOCK_FAMILY, [familyId]);
        const revoked = (await tx.query(REVOKE_FAMILY, [familyId, at])).rowCount ?? 0;
        if (revoked > 0 && replacement !== undefined) await tx.query(INSERT, valuesOf(replacement));
        return revoked;
      }),
    );
  }

  async revokeSubjectTokens(tenantId: string, clientId: string, subject: string, at: number, exceptFamilyId?: string): Promise<number> {
    await this.settle();
    return this.#revokingFamilies(
      { text: SUBJECT_FAMILIES, values: [tenantId, clientId, subject, exceptFamilyId ?? null] },
      { text: REVOKE_SUBJECT, values: [tenantId, clientId, subject, at, exceptFamilyId ?? null] },
    );
  }

  async revokeUserTokens(tenantId: string, userId: string, at: number): Promise<number> {
    await this.settle();
    return this.#revokingFamilies({ text: USER_FAMILIES, values: [tenantId, userId] }, { text: REVOKE_USER, values: [tenantId, userId, at] });
  }

  /**
   * Revokes many tokens at once, ordered with the refreshes of their
   * families as revokeFamily is: the lock of every family the statement
   * would touch is taken first, so a refresh replacing a family's refresh
   * token has committed its successor (which the revocation, a later
   * statement, then sees) or waits and finds its token revoked. A family
   * only a refresh still in flight holds a live token of is found too: that
   * refresh's consumption is not committed, so the token it consumes still
   * reads live. Families are locked in one order (by id), so two such
   * revocations never wait on each other in a cycle; a refresh holds one
   * family's lock only.
   */
  #revokingFamilies(families: { text: Statement; values: unknown[] }, revoke: { text: Statement; values: unknown[] }): Promise<number> {
    return this.#changing(() =>
      this.#db.transaction(async (tx) => {
        for (const { family_id } of (await tx.query<{ family_id: string }>(families.text, families.values)).rows) await tx.query(LOCK_FAMILY, [family_id]);
        return (await tx.query(revoke.text, revoke.values)).rowCount ?? 0;
      }),
    );
  }

  async consumeRefreshToken(hash: string, at: number, replacement?: TokenRecord): Promise<RefreshTokenUse> {
    await this.settle();
    const familyId = (await this.#db.query<{ family_id: string | null }>(FAMILY_OF, [hash])).rows[0]?.family_id ?? null;
    const consumed = await this.#changing(async () =>
      familyId === null && replacement === undefined
        ? (await this.#db.query<Row>(CONSUME, [hash, at])).rows[0]
        : this.#db.transaction(async (tx) => {
            if (familyId !== null) await tx.query(LOCK_FAMILY, [familyId]);
            const row = (await tx.query<Row>(CONSUME, [hash, at])).rows[0];
            if (row !== undefined && replacement !== undefined) await tx.query(INSERT, valuesOf(replacement));
            return row;
          }),
    );
    if (consumed !== undefined) return { outcome: 'consumed', record: mapRow.token(consumed) };
    const row = (await this.#db.query<Row>(GET_WITH_USE, [hash])).rows[0];
    if (row === undefined || row.kind !== 'refresh') return { outcome: 'unknown' };
    const record = mapRow.token(row);
    return row.used_at == null ? { outcome: 'revoked', record } : { outcome: 'reused', record, usedAt: Number(row.used_at) };
  }

  /**
   * Under the family's lock, past the cache: a READ COMMITTED statement sees only what was committed when it
   * began, so the lock, not the read, orders this step with revokeFamily. One that held the lock first has
   * committed (the read after the lock sees it); one that takes it after begins its UPDATE after this call,
   * which sees every token the caller committed before.
   */
  async refreshTokenLive(hash: string, familyId: string): Promise<boolean> {
    await this.settle();
    const row = await this.#db.transaction(async (tx) => {
      await tx.query(LOCK_FAMILY, [familyId]);
      return (await tx.query<{ revoked_at: string | number | null }>(REVOKED_AT, [hash])).rows[0];
    });
    return row !== undefined && row.revoked_at === null;
  }

  async purgeExpired(before: number, limit: number): Promise<number> {
    await this.settle();
    return this.#changing(async () => (await this.#db.query(PURGE, [before, limit])).rowCount ?? 0);
  }
}

/** `INSERT … VALUES (…), (…)` for `rows` records, as an unnamed statement (its text varies with the count). */
function batchInsert(rows: number): string {
  const tuples = Array.from({ length: rows }, (_, row) => `(${Array.from({ length: 12 }, (_, col) => `$${row * 12 + col + 1}`).join(', ')})`);
  return `INSERT INTO tokens (${TOKEN_COLUMNS}) VALUES ${tuples.join(', ')}`;
}
