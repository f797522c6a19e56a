/**
 * The one place the PostgreSQL store touches `pg`: a connection pool, queries
 * as named statements (parsed once per connection), transactions on a
 * checked-out client, and the translation of connection failures into
 * {@link StoreUnavailableError} so a lost database answers 503, never crashes.
 */
import pg from 'pg';
import type { PoolClient, QueryConfig, QueryResult, QueryResultRow } from 'pg';
import { StoreConflictError } from '../../core/ports/errors.ts';
import { redactConnectionString } from './connection-string.ts';
import { isUnavailable, toStoreError, UNIQUE_VIOLATION } from './errors.ts';

/**
 * A statement with a stable name: `pg` prepares it once per connection and
 * reuses the plan. Column lists are explicit (never `*`), so a later migration
 * that adds a column cannot invalidate plans cached by instances still running
 * the previous release.
 */
export interface Statement {
  name: string;
  text: string;
}

export const statement = (name: string, text: string): Statement => ({ name, text });

/** Runs statements; the pool outside a transaction, one client inside. */
export interface Queryable {
  query<R extends QueryResultRow = Record<string, unknown>>(sql: Statement | string, values?: unknown[]): Promise<QueryResult<R>>;
}

export interface PostgresDatabaseOptions {
  connectionString: string;
  /** Most connections this process holds. */
  poolSize: number;
  /**
   * How long a query waits for a connection before failing as unavailable.
   * Bounded so that during an outage requests answer 503 quickly instead of
   * queueing until the load balancer gives up.
   */
  connectionTimeoutMs?: number;
  /**
   * How long a query through {@link PostgresDatabase.query} or a transaction
   * waits for its answer before failing as unavailable (the connection is then
   * dropped). Unbounded when absent; work on a raw checked-out client
   * (migrations) is never bounded.
   */
  queryTimeoutMs?: number;
  /** Told about errors on idle connections (the server restarted, a backend was terminated). */
  onBackgroundError?: (error: Error) => void;
  /** Told of each query and transaction: its statement name (`query` when unnamed, `transaction` for work on one checked-out connection), seconds taken, and its error if it failed (metrics). */
  onQuery?: (statement: string, seconds: number, error: unknown) => void;
}

export class PostgresDatabase implements Queryable {
  readonly pool: pg.Pool;
  /** The connection URL without its password, for messages. */
  readonly target: string;
  readonly #onBackgroundError: (error: Error) => void;
  readonly #onQuery: PostgresDatabaseOptions['onQuery'];
  readonly #queryTimeout: number | undefined;

  constructor(options: PostgresDatabaseOptions) {
    this.#onQuery = options.onQuery;
    this.#queryTimeout = options.queryTimeoutMs;
    this.target = redactConnectionString(options.connectionString);
    this.#onBackgroundError = options.onBackgroundError ?? (() => {});
    this.pool = new pg.Pool({
      connectionString: options.connectionString,
      max: options.poolSize,
      connectionTimeoutMillis: options.connectionTimeoutMs ?? 5000,
      idleTimeoutMillis: 30_000,
      keepAlive: true,
      // Lets an operator find Tessera's sessions in pg_stat_activity; a URL's application_name wins.
      fallback_application_name: 'tessera',
    });
    // Without a listener, an idle connection dropped by the server would be an
    // uncaught 'error' event and end the process. The pool discards it and
    // opens a new one on the next query.
    this.pool.on('error', (error) => this.#onBackgroundError(error));
  }

  async query<R extends QueryResultRow = Record<string, unknown>>(sql: Statement | string, values: unknown[] = []): Promise<QueryResult<R>> {
    const start = this.#onQuery === undefined ? 0 : performance.now();
    let failure: unknown;
    try {
      return await this.pool.query<R>(this.#config(sql, values));
    } catch (error) {
      failure = toStoreError(error, this.target);
      throw failure;
    } finally {
      this.#onQuery?.(typeof sql === 'string' ? 'query' : sql.name, (performance.now() - start) / 1000, failure);
    }
  }

  /** A query's config for `pg`, with the query timeout (`pg` reads `query_timeout` per query; its types do not declare it). */
  #config(sql: Statement | string, values: unknown[]): QueryConfig {
    const config: QueryConfig & { query_timeout?: number } = typeof sql === 'string' ? { text: sql, values } : { ...sql, values };
    if (this.#queryTimeout !== undefined) config.query_timeout = this.#queryTimeout;
    return config;
  }

  /** Runs `work` on one checked-out client; it is released (or destroyed, if its connection failed) afterwards. */
  async withClient<T>(work: (client: PoolClient) => Promise<T>): Promise<T> {
    const start = this.#onQuery === undefined ? 0 : performance.now();
    let client: PoolClient;
    try {
      client = await this.pool.connect();
    } catch (error) {
      const failure = toStoreError(error, this.target);
      this.#onQuery?.('transaction', (performance.now() - start) / 1000, failure);
      throw failure;
    }
    // pg-pool removes its own listener while a client is checked out; a
    // connection lost now would otherwise be an uncaught 'error' event. The
    // query in flight rejects as well, so the listener only has to exist.
    const onError = (error: Error) => this.#onBackgroundError(error);
    client.on('error', onError);
    let failure: unknown;
    try {
      return await work(client);
    } catch (error) {
      failure = error;
      throw toStoreError(error, this.target);
    } finally {
      this.#onQuery?.('transaction', (performance.now() - start) / 1000, failure === undefined ? undefined : toStoreError(failure, this.target));
      client.off('error', onError);
      client.release(failure !== undefined && isUnavailable(failure) ? (failure as Error) : undefined);
    }
  }

  /** Runs `work` in a transaction: committed if it resolves, rolled back if it throws. */
  transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T> {
    return this.withClient(async (client) => {
      const tx: Queryable = {
        query: (sql, values = []) => client.query(this.#config(sql, values)),
      };
      await client.query('BEGIN');
      try {
        const result = await work(tx);
        await client.query('COMMIT');
        return result;
      } catch (error) {
        // A broken connection cannot roll back; the server does it when the session ends.
        await client.query('ROLLBACK').catch(() => {});
        throw error;
      }
    });
  }

  /** Closes every connection; waits for queries in flight. */
  async end(): Promise<void> {
    if (!this.pool.ended) await this.pool.end();
  }
}

/** Runs an insert, turning a uniqueness violation into {@link StoreConflictError}. */
export async function insertOrConflict(db: Queryable, what: string, sql: Statement | string, values: unknown[]): Promise<QueryResult> {
  try {
    return await db.query(sql, values);
  } catch (error) {
    if ((error as { code?: unknown }).code === UNIQUE_VIOLATION) throw new StoreConflictError(what);
    throw error;
  }
}
