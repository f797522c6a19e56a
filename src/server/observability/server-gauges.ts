/**
 * Gauges read at each scrape from what the process already keeps: the argon2
 * work queue, the age of each tenant's signing key, and the database's own
 * numbers (SQLite's WAL size, PostgreSQL's pool).
 */
import type { Clock } from '../../core/clock.ts';
import type { WorkLimiter } from '../../core/crypto/work-limiter.ts';
import type { SigningKeys } from '../../core/tokens/signing-keys.ts';
import type { MetricsRegistry } from '../../runtime/metrics.ts';
import type { Store } from '../../store/store.ts';

/** argon2 waits: from none (a free slot) to seconds (a login flood). */
export const WAIT_BUCKETS: readonly number[] = [0, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** The histogram argon2's work limiter reports each task's wait to. */
export function argon2WaitObserver(metrics: MetricsRegistry): ((waitedMs: number) => void) | undefined {
  if (!metrics.enabled) return undefined;
  const wait = metrics.histogram({
    name: 'tessera_argon2_wait_seconds',
    help: 'Time an argon2id hash (a password login, a chosen client secret) waited for a free slot.',
    labelNames: [],
    buckets: WAIT_BUCKETS,
  }).child({});
  return (waitedMs) => wait.observe(waitedMs / 1000);
}

export interface ServerGaugeSources {
  argon2: WorkLimiter;
  keys: SigningKeys;
  store: Store;
  clock: Clock;
}

export function registerServerGauges(metrics: MetricsRegistry, sources: ServerGaugeSources): void {
  metrics.gauge({
    name: 'tessera_argon2_queue_depth',
    help: 'argon2id hashes waiting for a slot now.',
    labelNames: [],
    collect: (gauge) => gauge.set({}, sources.argon2.stats().queued),
  });
  metrics.gauge({
    name: 'tessera_argon2_active',
    help: 'argon2id hashes running now.',
    labelNames: [],
    collect: (gauge) => gauge.set({}, sources.argon2.stats().active),
  });
  metrics.gauge({
    name: 'tessera_signing_key_age_seconds',
    help: 'How long the key signing each tenant\'s JWTs has been signing (alert when rotation is overdue).',
    labelNames: ['tenant'],
    across: 'max',
    collect: (gauge) => {
      const now = sources.clock();
      for (const { tenantId, activatedAt } of sources.keys.signingSince()) gauge.set({ tenant: tenantId }, Math.max(0, (now - activatedAt) / 1000));
    },
  });
  const stats = () => sources.store.stats?.() ?? {};
  if (sources.store.kind === 'sqlite') {
    metrics.gauge({
      name: 'tessera_sqlite_wal_bytes',
      help: 'Size of the SQLite write-ahead log file.',
      labelNames: [],
      across: 'max',
      collect: (gauge) => gauge.set({}, stats().walBytes ?? 0),
    });
  }
  if (sources.store.kind === 'postgres') {
    metrics.gauge({
      name: 'tessera_postgres_pool_connections',
      help: 'PostgreSQL connections of the pool, by state: `total`, `idle`, and `waiting` (queries waiting for a connection).',
      labelNames: ['state'],
      collect: (gauge) => {
        const s = stats();
        gauge.set({ state: 'total' }, s.poolTotal ?? 0);
        gauge.set({ state: 'idle' }, s.poolIdle ?? 0);
        gauge.set({ state: 'waiting' }, s.poolWaiting ?? 0);
      },
    });
  }
}
