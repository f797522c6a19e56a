/**
 * PostgreSQL for tests: found through TESSERA_TEST_POSTGRES_URL, each test
 * store in a fresh schema of its own (so parallel test files never collide),
 * dropped afterwards.
 *
 * Without the variable the PostgreSQL tests are skipped with a message, except
 * under CI=true, where a skip would hide a broken pipeline: there they fail.
 */
import { randomBytes } from 'node:crypto';
import { it } from 'node:test';
import pg from 'pg';
import { openPostgresStore, type PostgresStore } from '../../src/store/postgres/postgres-store.ts';

export const POSTGRES_URL = process.env.TESSERA_TEST_POSTGRES_URL || undefined;

const MISSING = 'TESSERA_TEST_POSTGRES_URL is not set (e.g. postgres://postgres@127.0.0.1:5432/test)';

/**
 * The `skip` option for a PostgreSQL suite: false when a database is
 * configured, else the reason (printed once per file as well). Under CI it
 * registers a failing test instead, and returns a reason so the suite itself
 * does not run against nothing.
 */
export function postgresSkip(what: string): string | false {
  if (POSTGRES_URL !== undefined) return false;
  if (process.env.CI === 'true') {
    it(`${what} needs PostgreSQL in CI`, () => {
      throw new Error(`${MISSING}; CI must run the PostgreSQL tests, not skip them`);
    });
    return `${MISSING} (failing: CI=true)`;
  }
  const reason = `${MISSING}: skipping ${what}`;
  console.log(`# ${reason}`);
  return reason;
}

/** A schema that exists until `drop()`, and the URL that makes it the search_path. */
export interface TestSchema {
  name: string;
  /** The test database URL with `options=-c search_path=<name>` (and a recognisable application_name). */
  url: string;
  drop(): Promise<void>;
}

/** Runs one statement on a short-lived connection outside any pool under test. */
export async function adminQuery(sql: string, values: unknown[] = []): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: requireUrl() });
  await client.connect();
  try {
    return await client.query(sql, values);
  } finally {
    await client.end();
  }
}

export async function createTestSchema(): Promise<TestSchema> {
  const name = `tessera_test_${randomBytes(6).toString('hex')}`;
  await adminQuery(`CREATE SCHEMA ${name}`);
  return { name, url: schemaUrl(requireUrl(), name), drop: () => dropSchema(name) };
}

/** `base` with the schema as search_path and an application_name naming it, keeping what `base` had. */
export function schemaUrl(base: string, schema: string): string {
  const url = new URL(base);
  url.searchParams.set('options', `-c search_path=${schema}`);
  url.searchParams.set('application_name', schema);
  return url.toString();
}

async function dropSchema(name: string): Promise<void> {
  // Sessions still open in it (a crashed test's pool) would only delay the drop; end them.
  await adminQuery('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1 AND pid <> pg_backend_pid()', [name]);
  await adminQuery(`DROP SCHEMA IF EXISTS ${name} CASCADE`);
}

/** Opens a migrated store in a fresh schema; closing it drops the schema. */
export async function openTestPostgresStore(): Promise<PostgresStore & { schema: TestSchema }> {
  const schema = await createTestSchema();
  const store = await openPostgresStore({ connectionString: schema.url, poolSize: 4 });
  return {
    ...store,
    schema,
    async close() {
      await store.close();
      await schema.drop();
    },
  };
}

function requireUrl(): string {
  if (POSTGRES_URL === undefined) throw new Error(MISSING);
  return POSTGRES_URL;
}
