/**
 * The PostgreSQL store's cache of tenants and clients, coherent across
 * instances: through notifications on `tessera_cache` (migration 14) while a
 * listener is connected, and otherwise through one `cache_version` query
 * (migration 7) per event-loop turn instead of two or three per token request.
 * Needs TESSERA_TEST_POSTGRES_URL.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import pg from 'pg';
import { openPostgresStore } from '../../src/store/postgres/postgres-store.ts';
import { adminQuery, createTestSchema, postgresSkip, type TestSchema } from '../helpers/postgres.ts';
import { AUDITED, client, tenant, token } from '../../src/store/contract.ts';

const skip = postgresSkip('the PostgreSQL read cache tests');
const nextTurn = () => new Promise((resolve) => setImmediate(resolve));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

type Instance = Awaited<ReturnType<typeof openPostgresStore>>;

/** Waits until `done` holds, for at most two seconds. */
async function until(done: () => Promise<boolean> | boolean, what: string): Promise<void> {
  const deadline = performance.now() + 2000;
  while (!(await done())) {
    if (performance.now() > deadline) assert.fail(`not within 2 s: ${what}`);
    await sleep(5);
  }
}

/** The backends LISTENing for this schema's instances (their application_name is the schema's, test/helpers/postgres.ts). */
async function listeners(schema: TestSchema): Promise<number[]> {
  const { rows } = await adminQuery(
    `SELECT pid FROM pg_stat_activity WHERE application_name = '${schema.name}' AND query ILIKE 'LISTEN%'`,
  );
  return (rows as { pid: number }[]).map((r) => r.pid);
}

/** Counts the statements named `name` the stores send through pg's Pool.query while `run` runs. */
async function countingStatements(name: string, run: (count: () => number) => Promise<void>): Promise<void> {
  const query = pg.Pool.prototype.query;
  let checks = 0;
  pg.Pool.prototype.query = function (this: pg.Pool, ...args: unknown[]) {
    if ((args[0] as { name?: string } | undefined)?.name === name) checks += 1;
    return (query as (...a: unknown[]) => Promise<unknown>).apply(this, args);
  } as typeof pg.Pool.prototype.query;
  try {
    await run(() => checks);
  } finally {
    pg.Pool.prototype.query = query;
  }
}

/**
 * Two stores on one fresh schema (two instances sharing a database), closed and dropped afterwards;
 * by default checking the counter every turn, with `listen` through notifications (once both listen).
 */
async function withInstances(
  run: (stores: [Instance, Instance], schema: TestSchema) => Promise<void>,
  { listen = false } = {},
): Promise<void> {
  const schema = await createTestSchema();
  const stores: [Instance, Instance] = [
    await openPostgresStore({ connectionString: schema.url, cacheNotifications: listen }),
    await openPostgresStore({ connectionString: schema.url, cacheNotifications: listen }),
  ];
  if (listen) await until(async () => (await listeners(schema)).length === 2, 'both instances listen');
  try {
    await run(stores, schema);
  } finally {
    await Promise.all(stores.map((s) => s.close()));
    await schema.drop();
  }
}

describe('postgres tenant and client lookups stay coherent across instances', { skip }, () => {
  it("sees another instance's change from the next event-loop turn on", async () => {
    await withInstances(async ([a, b]) => {
      await a.tenants.createTenant(tenant('t1', ['api.example.com']), AUDITED);
      await a.clients.createClient(client('t1', 'c1'), AUDITED);
      assert.equal((await a.clients.getClient('t1', 'c1'))?.enabled, true);
      assert.equal((await a.tenants.findTenantByHost('api.example.com'))?.id, 't1');
      assert.equal(await a.tenants.findTenantByHost('new.example.com'), undefined);

      // The other instance disables the client and moves a host.
      await b.clients.updateClient(client('t1', 'c1', { enabled: false }), AUDITED);
      await b.tenants.createTenant(tenant('t2', ['new.example.com']), AUDITED);
      await nextTurn();

      assert.equal((await a.clients.getClient('t1', 'c1'))?.enabled, false);
      assert.equal((await a.tenants.findTenantByHost('new.example.com'))?.id, 't2');
    });
  });

  it('answers from the cache until cache_version moves (a write behind the triggers is not seen; a raised version is)', async () => {
    await withInstances(async ([store], schema) => {
      await store.tenants.createTenant(tenant('t1'), AUDITED);
      await store.clients.createClient(client('t1', 'c1', { name: 'before' }), AUDITED);
      assert.equal((await store.clients.getClient('t1', 'c1'))?.name, 'before');
      // Changed without the trigger: only a cached answer can still say 'before'.
      await adminQuery(`ALTER TABLE ${schema.name}.clients DISABLE TRIGGER clients_cache_version`);
      await adminQuery(`UPDATE ${schema.name}.clients SET name = 'after' WHERE id = 'c1'`);
      await nextTurn();
      assert.equal((await store.clients.getClient('t1', 'c1'))?.name, 'before', 'served from the cache');
      await adminQuery(`UPDATE ${schema.name}.cache_version SET n = n + 1`);
      await nextTurn();
      assert.equal((await store.clients.getClient('t1', 'c1'))?.name, 'after', 'the version moved, so the row was read again');
    });
  });

  it("sees this instance's own writes at once, and hands out frozen values", async () => {
    await withInstances(async ([store], schema) => {
      await store.tenants.createTenant(tenant('t1'), AUDITED);
      await store.clients.createClient(client('t1', 'c1'), AUDITED);
      const first = (await store.clients.getClient('t1', 'c1'))!;
      assert.throws(() => ((first as { name: string }).name = 'mine'), TypeError);
      assert.throws(() => (first.scopes as string[]).push('admin'), TypeError);
      await store.clients.updateClient(client('t1', 'c1', { enabled: false }), AUDITED);
      const read = (await store.clients.getClient('t1', 'c1'))!;
      assert.equal(read.enabled, false);
      assert.notEqual(read.name, 'mine');
      assert.equal(await store.clients.deleteClient('t1', 'c1', AUDITED), true);
      assert.equal(await store.clients.getClient('t1', 'c1'), undefined);
    });
  });

  it('does not let a slow version check of an earlier turn answer for a later one', async () => {
    await withInstances(async ([a, b]) => {
      // Holds back the answer (not the execution) of B's version checks, as network latency or a busy event loop would.
      const query = pg.Pool.prototype.query;
      let holdMs = 0;
      pg.Pool.prototype.query = function (this: pg.Pool, ...args: unknown[]) {
        const answer = (query as (...a: unknown[]) => Promise<unknown>).apply(this, args);
        const hold = holdMs;
        if (hold === 0 || (args[0] as { name?: string } | undefined)?.name !== 'cache-version.get') return answer;
        return answer.then(async (result) => (await sleep(hold), result));
      } as typeof pg.Pool.prototype.query;
      try {
        await a.tenants.createTenant(tenant('t1'), AUDITED);
        await a.clients.createClient(client('t1', 'c1'), AUDITED);
        assert.equal((await b.clients.getClient('t1', 'c1'))?.enabled, true);
        await nextTurn();
        holdMs = 300;
        const early = b.clients.getClient('t1', 'c1'); // its check reads the version now, and answers late
        await sleep(50);
        holdMs = 0;
        await a.clients.updateClient(client('t1', 'c1', { enabled: false }), AUDITED);
        await nextTurn();
        assert.equal((await b.clients.getClient('t1', 'c1'))?.enabled, false, 'a lookup begun after the commit sees it');
        await early;
      } finally {
        pg.Pool.prototype.query = query;
      }
    });
  });

  it("raises the counter of the written table's own schema, whatever the writer's search_path", async () => {
    await withInstances(async ([store], schema) => {
      await store.tenants.createTenant(tenant('t1'), AUDITED);
      await store.clients.createClient(client('t1', 'c1', { name: 'before' }), AUDITED);
      assert.equal((await store.clients.getClient('t1', 'c1'))?.name, 'before');
      // A hand-made change from a session whose search_path does not name the schema.
      await adminQuery(`UPDATE ${schema.name}.clients SET name = 'by hand' WHERE id = 'c1'`);
      await nextTurn();
      assert.equal((await store.clients.getClient('t1', 'c1'))?.name, 'by hand');
    });
  });

  it('caches nothing beyond a turn when the counter row is gone', async () => {
    await withInstances(async ([store], schema) => {
      await store.tenants.createTenant(tenant('t1'), AUDITED);
      await store.clients.createClient(client('t1', 'c1', { name: 'before' }), AUDITED);
      await adminQuery(`DELETE FROM ${schema.name}.cache_version`);
      assert.equal((await store.clients.getClient('t1', 'c1'))?.name, 'before');
      await adminQuery(`UPDATE ${schema.name}.clients SET name = 'after' WHERE id = 'c1'`);
      await nextTurn();
      assert.equal((await store.clients.getClient('t1', 'c1'))?.name, 'after');
    });
  });
});

describe('postgres tenant and client lookups, told of changes by notifications', { skip }, () => {
  it("sees another instance's change once notified, without asking the database every turn", async () => {
    await withInstances(
      async ([a, b]) => {
        await a.tenants.createTenant(tenant('t1', ['api.example.com']), AUDITED);
        await a.clients.createClient(client('t1', 'c1'), AUDITED);
        await countingStatements('cache-version.get', async (checks) => {
          const before = checks();
          for (let turn = 0; turn < 50; turn++) {
            assert.equal((await a.clients.getClient('t1', 'c1'))?.enabled, true);
            assert.equal((await a.tenants.findTenantByHost('api.example.com'))?.id, 't1');
            await nextTurn();
          }
          assert.ok(checks() - before <= 1, `50 turns of lookups sent ${checks() - before} version checks`);
        });

        await b.clients.updateClient(client('t1', 'c1', { enabled: false }), AUDITED);
        await b.tenants.createTenant(tenant('t2', ['new.example.com']), AUDITED);
        await until(async () => (await a.clients.getClient('t1', 'c1'))?.enabled === false, 'the disabled client is seen');
        await until(async () => (await a.tenants.findTenantByHost('new.example.com'))?.id === 't2', 'the new host is seen');
      },
      { listen: true },
    );
  });

  it("sees a hand-made change in the schema, from a session whose search_path does not name it", async () => {
    await withInstances(
      async ([store], schema) => {
        await store.tenants.createTenant(tenant('t1'), AUDITED);
        await store.clients.createClient(client('t1', 'c1', { name: 'before' }), AUDITED);
        assert.equal((await store.clients.getClient('t1', 'c1'))?.name, 'before');
        await adminQuery(`UPDATE ${schema.name}.clients SET name = 'by hand' WHERE id = 'c1'`);
        await until(async () => (await store.clients.getClient('t1', 'c1'))?.name === 'by hand', 'the change is seen');
      },
      { listen: true },
    );
  });

  it('goes back to a check every turn when the listener is lost, and listens again', async () => {
    await withInstances(
      async ([a, b], schema) => {
        await a.tenants.createTenant(tenant('t1'), AUDITED);
        await a.clients.createClient(client('t1', 'c1', { name: 'before' }), AUDITED);
        assert.equal((await a.clients.getClient('t1', 'c1'))?.name, 'before');
        const pids = await listeners(schema);
        await adminQuery(`SELECT pg_terminate_backend(pid) FROM unnest(ARRAY[${pids.join(',')}]::int[]) AS pid`);
        await until(async () => (await listeners(schema)).length === 0, 'the listeners are gone');
        // No notification can reach anyone now: a change is still seen from the next turn on.
        await b.clients.updateClient(client('t1', 'c1', { name: 'unheard' }), AUDITED);
        await nextTurn();
        assert.equal((await a.clients.getClient('t1', 'c1'))?.name, 'unheard');
        // Both reconnect (after about a second) and are told of changes again.
        await until(async () => (await listeners(schema)).length === 2, 'both listen again');
        await b.clients.updateClient(client('t1', 'c1', { name: 'heard' }), AUDITED);
        await until(async () => (await a.clients.getClient('t1', 'c1'))?.name === 'heard', 'the change is seen');
      },
      { listen: true },
    );
  });

  it('is told only of its own schema: a change to another install in the same database keeps this cache', async () => {
    await withInstances(
      async ([store]) => {
        await store.tenants.createTenant(tenant('t1'), AUDITED);
        await store.clients.createClient(client('t1', 'c1'), AUDITED);
        // The notifications of those writes reach this instance too, at a moment of their own: wait until the cached value stays.
        let first: Awaited<ReturnType<typeof store.clients.getClient>>;
        await until(async () => {
          const before = await store.clients.getClient('t1', 'c1');
          await sleep(100);
          first = await store.clients.getClient('t1', 'c1');
          return first === before;
        }, 'the cached value settles');
        await withInstances(
          async ([other]) => {
            await other.tenants.createTenant(tenant('t1'), AUDITED);
            await other.clients.createClient(client('t1', 'c1'), AUDITED);
          },
          { listen: true },
        );
        await sleep(50);
        assert.equal(await store.clients.getClient('t1', 'c1'), first, 'still the cached value');
      },
      { listen: true },
    );
  });
});

describe('postgres token records kept between changes, while notifications tell of each', { skip }, () => {
  const countingLookups = (run: (count: () => number) => Promise<void>) => countingStatements('tokens.get', run);

  it('answers repeated lookups of a token from memory, and sees a revocation by another instance once notified', async () => {
    await withInstances(
      async ([a, b]) => {
        await a.tokens.saveToken(token('h1'));
        await countingLookups(async (lookups) => {
          for (let i = 0; i < 20; i++) assert.equal((await a.tokens.findToken('h1'))?.revokedAt, null);
          assert.equal(lookups(), 1, 'one query for twenty lookups');
        });
        assert.equal(await b.tokens.revokeToken('h1', 42), true);
        await until(async () => (await a.tokens.findToken('h1'))?.revokedAt === 42, "the other instance's revocation is seen");
      },
      { listen: true },
    );
  });

  it("sees a hand-made change, this instance's own writes at once, and another instance's new token at once", async () => {
    await withInstances(
      async ([a, b], schema) => {
        await a.tokens.saveToken(token('h1'));
        assert.equal((await a.tokens.findToken('h1'))?.revokedAt, null);
        await adminQuery(`UPDATE ${schema.name}.tokens SET revoked_at = 7 WHERE hash = 'h1'`);
        await until(async () => (await a.tokens.findToken('h1'))?.revokedAt === 7, 'the change by hand is seen');

        await a.tokens.saveToken(token('f1', { familyId: 'fam' }));
        assert.equal((await a.tokens.findToken('f1'))?.revokedAt, null);
        await a.tokens.revokeFamily('fam', 9);
        assert.equal((await a.tokens.findToken('f1'))?.revokedAt, 9, 'its own revocation, at once');

        // Absences are never kept: a token issued elsewhere is found the moment it is committed.
        assert.equal(await a.tokens.findToken('h2'), undefined);
        await b.tokens.saveToken(token('h2'));
        assert.equal((await a.tokens.findToken('h2'))?.hash, 'h2');
      },
      { listen: true },
    );
  });

  it('keeps nothing while not listening', async () => {
    await withInstances(async ([a]) => {
      await a.tokens.saveToken(token('h1'));
      await countingLookups(async (lookups) => {
        for (let i = 0; i < 5; i++) assert.equal((await a.tokens.findToken('h1'))?.hash, 'h1');
        assert.equal(lookups(), 5);
      });
    });
  });
});

