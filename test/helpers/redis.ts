/**
 * Redis for tests: found through TESSERA_TEST_REDIS_URL; each test uses keys
 * under a prefix of its own (so parallel test files never collide), deleted
 * afterwards. Without the variable the Redis tests are skipped with a
 * message, except under CI=true, where they fail (as the PostgreSQL ones).
 */
import { randomBytes } from 'node:crypto';
import { it } from 'node:test';
import { createClient } from '@redis/client';

export const REDIS_URL = process.env.TESSERA_TEST_REDIS_URL || undefined;

const MISSING = 'TESSERA_TEST_REDIS_URL is not set (e.g. redis://127.0.0.1:6379)';

/** The `skip` option for a Redis suite (see postgresSkip). */
export function redisSkip(what: string): string | false {
  if (REDIS_URL !== undefined) return false;
  if (process.env.CI === 'true') {
    it(`${what} needs Redis in CI`, () => {
      throw new Error(`${MISSING}; CI must run the Redis tests, not skip them`);
    });
    return `${MISSING} (failing: CI=true)`;
  }
  const reason = `${MISSING}: skipping ${what}`;
  console.log(`# ${reason}`);
  return reason;
}

/** A key prefix no other test uses. */
export function testKeyPrefix(): string {
  return `tessera-test-${randomBytes(6).toString('hex')}:`;
}

/** Deletes every key under `prefix`. */
export async function dropKeys(prefix: string): Promise<void> {
  const client = createClient({ url: REDIS_URL });
  await client.connect();
  try {
    for await (const keys of client.scanIterator({ MATCH: `${prefix}*`, COUNT: 500 })) {
      if (keys.length > 0) await client.del(keys);
    }
  } finally {
    await client.close();
  }
}
