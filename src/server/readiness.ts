/**
 * Readiness: whether this process can serve requests now. Three parts, each
 * checked at every probe: the store answers, its schema is the version this
 * build migrates to (not behind, as after a failed migration; not ahead, as
 * when a newer release migrated it), and the signing keys of every tenant
 * were loaded at start-up.
 */
import type { Readiness } from '../http/app-services.ts';
import type { Store } from '../store/store.ts';

export interface ReadinessProbe {
  check(): Promise<Readiness>;
  /** Called once start-up has loaded every tenant's signing keys. */
  keysLoaded(): void;
}

export function createReadiness(store: Pick<Store, 'ping' | 'schemaStatus'>): ReadinessProbe {
  let keys = false;
  return {
    keysLoaded() {
      keys = true;
    },
    async check() {
      const checks: Record<string, string> = { store: 'ok', migrations: 'ok', keys: keys ? 'ok' : 'not loaded yet' };
      try {
        await store.ping();
        const { version, latest } = await store.schemaStatus();
        if (version !== latest) checks.migrations = `schema version ${version}, this build needs ${latest}`;
      } catch {
        // The reason (which names the database) is for the log, not for whoever probes.
        checks.store = 'unreachable';
        checks.migrations = 'unknown';
      }
      return { ready: Object.values(checks).every((state) => state === 'ok'), checks };
    },
  };
}
