/**
 * A connection of its own that LISTENs on `tessera_cache` (migration 14) and
 * `tessera_tokens` (migration 15) and reports each change to this install's
 * schema, so the read cache (read-cache.ts) can keep its rows between
 * changes instead of asking the database on every event-loop turn, and the
 * token cache (token-cache.ts) can keep token records at all.
 *
 * It says when it starts and stops listening: while it does not (not yet
 * connected, the database restarted, the backend was terminated), the cache
 * goes back to checking the counter every turn, and the listener connects
 * again after a pause. Nothing here ever throws at the caller or leaves an
 * unhandled 'error' event: a lost listener only costs the cache its shortcut.
 */
import pg from 'pg';

/** What changed: the directory (tenants, tenant hosts, clients), or tokens (an update or delete). */
export type ChangedRows = 'directory' | 'tokens';

const CHANNELS: Record<string, ChangedRows> = { tessera_cache: 'directory', tessera_tokens: 'tokens' };

export interface CacheListenerOptions {
  connectionString: string;
  /** A change to this install's rows was committed (by any instance). */
  onChange: (rows: ChangedRows) => void;
  /** Listening began (true: every commit from now on is reported) or ended (false). */
  onListening: (listening: boolean) => void;
  /** Told why the listener was lost (for the log). */
  onError?: (error: Error) => void;
  /** Pause before connecting again after a loss (ms). */
  retryMs?: number;
  connectionTimeoutMs?: number;
}

export class CacheListener {
  readonly #options: CacheListenerOptions;
  #client: pg.Client | undefined;
  #retry: NodeJS.Timeout | undefined;
  #closed = false;
  #listening = false;

  constructor(options: CacheListenerOptions) {
    this.#options = options;
  }

  /** Connects in the background; returns at once. */
  start(): void {
    void this.#connect();
  }

  get listening(): boolean {
    return this.#listening;
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#retry);
    const client = this.#client;
    this.#client = undefined;
    this.#setListening(false);
    await client?.end().catch(() => {});
  }

  async #connect(): Promise<void> {
    if (this.#closed) return;
    const client = new pg.Client({
      connectionString: this.#options.connectionString,
      keepAlive: true,
      connectionTimeoutMillis: this.#options.connectionTimeoutMs ?? 5000,
      // A URL's application_name wins (as for the pool).
      fallback_application_name: 'tessera-cache-listener',
    });
    this.#client = client;
    let lost = false;
    const lose = (error?: Error) => {
      if (lost) return;
      lost = true;
      if (this.#client === client) this.#client = undefined;
      const wasListening = this.#listening;
      this.#setListening(false);
      // Reported once per loss, not on every failed reconnect during an outage (the pool reports those).
      if (error !== undefined && wasListening && !this.#closed) this.#options.onError?.(error);
      void client.end().catch(() => {});
      if (!this.#closed) {
        this.#retry = setTimeout(() => void this.#connect(), this.#options.retryMs ?? 1000);
        this.#retry.unref();
      }
    };
    client.on('error', lose);
    client.on('end', () => lose());
    try {
      await client.connect();
      const { rows } = await client.query<{ schema: string | null }>('SELECT current_schema() AS schema');
      const schema = rows[0]?.schema;
      if (!schema) throw new Error('the cache listener found no current schema');
      client.on('notification', (message) => {
        const rows = CHANNELS[message.channel];
        if (rows !== undefined && message.payload === schema) this.#options.onChange(rows);
      });
      for (const channel of Object.keys(CHANNELS)) await client.query(`LISTEN ${channel}`);
      if (lost || this.#closed) return;
      this.#setListening(true);
    } catch (error) {
      lose(error as Error);
    }
  }

  #setListening(listening: boolean): void {
    if (this.#listening === listening) return;
    this.#listening = listening;
    this.#options.onListening(listening);
  }
}
